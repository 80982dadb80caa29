import type { JsonSchema } from '../api/types';

/**
 * Inputs generated from a job's variables (JSON Schema). Values are kept as the user typed them and
 * converted on submit; the API validates, and its messages are shown beside the field they name.
 */

export type FieldKind = 'boolean' | 'integer' | 'number' | 'string' | 'choice' | 'list' | 'json';

export interface Field {
  readonly name: string;
  readonly schema: JsonSchema;
  readonly kind: FieldKind;
  readonly required: boolean;
  readonly choices?: readonly unknown[];
  readonly itemKind?: FieldKind;
}

function typeOf(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((type) => type !== 'null');
  if (typeof schema.type === 'string') return schema.type;
  const variant = (schema.anyOf ?? schema.oneOf)?.find((part) => part.type !== 'null');
  return variant ? typeOf(variant) : undefined;
}

function kindOf(schema: JsonSchema): Pick<Field, 'kind' | 'choices' | 'itemKind'> {
  const choices =
    schema.enum ??
    (schema.anyOf?.every((part) => 'const' in part) ? schema.anyOf.map((p) => p.const) : undefined);
  if (choices) return { kind: 'choice', choices };
  const type = typeOf(schema);
  if (type === 'boolean' || type === 'integer' || type === 'number' || type === 'string')
    return { kind: type };
  if (type === 'array' && schema.items) {
    const item = kindOf(schema.items).kind;
    if (item === 'string' || item === 'number' || item === 'integer') return { kind: 'list', itemKind: item };
  }
  return { kind: 'json' };
}

export function fieldsOf(schema: unknown): Field[] {
  const object = (schema ?? {}) as JsonSchema;
  const required = new Set(object.required ?? []);
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    schema: property,
    required: required.has(name) && property.default === undefined,
    ...kindOf(property),
  }));
}

export function initialValues(fields: readonly Field[]): Record<string, string | boolean> {
  const values: Record<string, string | boolean> = {};
  for (const field of fields) {
    const fallback = field.schema.default;
    if (field.kind === 'boolean') values[field.name] = fallback === true;
    else if (fallback === undefined) values[field.name] = '';
    else if (field.kind === 'list' && Array.isArray(fallback)) values[field.name] = fallback.join('\n');
    else if (field.kind === 'json') values[field.name] = JSON.stringify(fallback, null, 2);
    else values[field.name] = String(fallback);
  }
  return values;
}

function toNumber(text: string): number | string {
  const value = Number(text);
  // Something that is not a number goes as typed, so the API's message names the problem.
  return text.trim() !== '' && Number.isFinite(value) ? value : text;
}

/** The `data` of a run request. */
export function toData(
  fields: readonly Field[],
  values: Record<string, string | boolean>,
): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = values[field.name];
    if (field.kind === 'boolean') {
      data[field.name] = raw === true;
      continue;
    }
    const text = typeof raw === 'string' ? raw : '';
    // Left out, so a default applies, or the API says the field is required.
    if (text.trim() === '') continue;
    switch (field.kind) {
      case 'integer':
      case 'number':
        data[field.name] = toNumber(text);
        break;
      case 'choice':
        data[field.name] = field.choices?.find((choice) => String(choice) === text) ?? text;
        break;
      case 'list': {
        const items = text
          .split(/\n|,/)
          .map((item) => item.trim())
          .filter(Boolean);
        data[field.name] = field.itemKind === 'string' ? items : items.map(toNumber);
        break;
      }
      case 'json':
        try {
          data[field.name] = JSON.parse(text);
        } catch {
          data[field.name] = text;
        }
        break;
      default:
        data[field.name] = text;
    }
  }
  return data;
}

function label(name: string): string {
  const words = name.replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function SchemaFields(props: {
  fields: readonly Field[];
  values: Record<string, string | boolean>;
  errors: Record<string, string[]>;
  onChange: (name: string, value: string | boolean) => void;
}) {
  if (props.fields.length === 0) return <p class="muted">This job takes no variables.</p>;
  return (
    <>
      {props.fields.map((field) => {
        const id = `var-${field.name}`;
        const errors = props.errors[field.name] ?? [];
        const description = field.schema.description?.replace(/([^.!?])$/, '$1.');
        const help = [
          description,
          field.kind === 'list'
            ? `One ${field.itemKind === 'string' ? 'value' : 'number'} per line.`
            : undefined,
          field.kind === 'json' ? 'JSON.' : undefined,
        ]
          .filter(Boolean)
          .join(' ');
        const describedBy = [help && `${id}-help`, errors.length > 0 && `${id}-error`]
          .filter(Boolean)
          .join(' ');
        const common = {
          id,
          name: field.name,
          'aria-describedby': describedBy || undefined,
          'aria-invalid': errors.length > 0 ? true : undefined,
          required: field.required,
        };
        const value = props.values[field.name];
        const text = typeof value === 'string' ? value : '';
        let input: preact.JSX.Element;
        switch (field.kind) {
          case 'boolean':
            input = (
              <input
                {...common}
                required={false}
                type="checkbox"
                checked={value === true}
                onChange={(event) => props.onChange(field.name, event.currentTarget.checked)}
              />
            );
            break;
          case 'choice':
            input = (
              <select
                {...common}
                value={text}
                onChange={(event) => props.onChange(field.name, event.currentTarget.value)}
              >
                {!field.required && <option value="">—</option>}
                {field.choices?.map((choice) => (
                  <option key={String(choice)} value={String(choice)}>
                    {String(choice)}
                  </option>
                ))}
              </select>
            );
            break;
          case 'list':
          case 'json':
            input = (
              <textarea
                {...common}
                rows={4}
                value={text}
                onInput={(event) => props.onChange(field.name, event.currentTarget.value)}
              />
            );
            break;
          case 'string':
            input = (
              <input
                {...common}
                type="text"
                {...(field.schema.maxLength === undefined ? {} : { maxLength: field.schema.maxLength })}
                value={text}
                onInput={(event) => props.onChange(field.name, event.currentTarget.value)}
              />
            );
            break;
          default:
            input = (
              <input
                {...common}
                type="number"
                step={field.kind === 'integer' ? 1 : 'any'}
                {...(field.schema.minimum === undefined ? {} : { min: field.schema.minimum })}
                {...(field.schema.maximum === undefined ? {} : { max: field.schema.maximum })}
                value={text}
                onInput={(event) => props.onChange(field.name, event.currentTarget.value)}
              />
            );
        }
        return (
          <div class={`field field-${field.kind}`} key={field.name}>
            {field.kind === 'boolean' ? (
              <div class="checkbox">
                {input}
                <label for={id}>{label(field.name)}</label>
              </div>
            ) : (
              <>
                <label for={id}>
                  {label(field.name)}
                  {field.required && <span aria-hidden="true"> *</span>}
                  {field.required && <span class="visually-hidden"> (required)</span>}
                </label>
                {input}
              </>
            )}
            {help && (
              <p id={`${id}-help`} class="help">
                {help}
              </p>
            )}
            {errors.length > 0 && (
              <p id={`${id}-error`} class="field-error">
                {errors.join(' ')}
              </p>
            )}
          </div>
        );
      })}
    </>
  );
}
