/**
 * dynalite 4.0.0 reads every Query, Scan and ListTables through a LevelDB iterator wrapped in a
 * stream, and closes the iterator, when the stream ends or is destroyed, with `iterator.return()`.
 * The iterators of abstract-level 3 (what its `level` dependency builds) have no `return()`, only
 * `close()`, so the call is skipped and every iterator stays open, held by the database until it
 * closes: a native LevelDB iterator (with its block buffers and a pin on the memtable and table
 * files it started on) plus its JS wrappers per read. The local server grew without bound with the
 * lists a user or the web page asked for (~300 MiB after 20,000 reads).
 *
 * Giving abstract-level's iterators the `return()` that dynalite calls (as `close()`) is the whole
 * fix; it is defined only where none exists, so a dynalite or abstract-level that closes its
 * iterators itself is left alone.
 */
import { createRequire } from 'node:module';

interface IteratorClass {
  readonly prototype: { close?: () => Promise<void>; return?: () => Promise<void> };
}

/** The abstract-level iterator classes dynalite's databases (on disk and in memory) are built on. */
export function dynaliteIteratorClasses(): readonly IteratorClass[] {
  const requireFromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const requireFromLevel = createRequire(requireFromDynalite.resolve('level'));
  const implementations = [
    requireFromLevel.resolve('classic-level'),
    requireFromDynalite.resolve('memory-level'),
  ];
  const classes = new Set<IteratorClass>();
  for (const implementation of implementations) {
    const abstractLevel = createRequire(implementation)('abstract-level') as Record<string, IteratorClass>;
    for (const name of ['AbstractIterator', 'AbstractKeyIterator', 'AbstractValueIterator']) {
      const found = abstractLevel[name];
      if (found === undefined) throw new Error(`abstract-level no longer exports ${name}`);
      classes.add(found);
    }
  }
  return [...classes];
}

export function makeDynaliteCloseItsIterators(): void {
  for (const iteratorClass of dynaliteIteratorClasses()) {
    const prototype = iteratorClass.prototype;
    if (typeof prototype.return === 'function') continue;
    if (typeof prototype.close !== 'function') {
      throw new Error('abstract-level iterators no longer have close(): dynalite would leak them');
    }
    Object.defineProperty(prototype, 'return', {
      configurable: true,
      writable: true,
      value: function closeIterator(this: { close(): Promise<void> }) {
        return this.close();
      },
    });
  }
}
