import { useState } from 'preact/hooks';
// The API's own wording, shared rather than restated.
import { MESSAGES } from '../../../lambdas/core/messages';
import { ApiError, detailOf } from '../api/client';
import type { JobResult, ScheduledJob } from '../api/types';
import { ConfirmDialog } from '../components/dialog';
import { Empty, ErrorMessage, Json, Loading } from '../components/states';
import { useResource, useTitle } from '../hooks';
import { announceQueueChanged, QUEUE_QUERY, type QueuePage } from '../queue';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import { age, formatTime } from '../time';
import { useJobs } from './jobs';
import { ScheduleSummary } from './scheduled-jobs';

interface Outcome {
  readonly id: string;
  readonly text: string;
}

export function ApprovalQueue() {
  useTitle('Approval queue');
  const { api } = useSession();
  const queue = useResource((signal) => api.get<QueuePage>(QUEUE_QUERY, signal), [api], {
    pollMs: 15_000,
    poll: () => true,
  });
  const jobs = useJobs();
  const [decided, setDecided] = useState<Outcome[]>([]);
  const pending = (queue.data?.results ?? []).filter(
    (item) => !decided.some((outcome) => outcome.id === item.id),
  );
  const onDecided = (outcome: Outcome) => {
    setDecided((previous) => [...previous, outcome]);
    announceQueueChanged();
  };

  return (
    <section>
      <h1 tabIndex={-1}>Approval queue</h1>
      <p class="muted">Requests for jobs that need a second pair of eyes, oldest start time first.</p>
      <div aria-live="polite" class="outcomes">
        {decided.map((outcome) => (
          <p key={outcome.id} class="notice" data-testid="outcome">
            {outcome.text} <Link href={`/scheduled-jobs/${outcome.id}`}>View the request</Link>
          </p>
        ))}
      </div>
      {queue.loading && !queue.data && <Loading what="the approval queue" />}
      {queue.error !== undefined && <ErrorMessage error={queue.error} retry={queue.reload} />}
      {queue.data && pending.length === 0 && <Empty>Nothing is waiting for approval.</Empty>}
      <ul class="cards" aria-label="Pending requests">
        {pending.map((item) => (
          <QueueItem
            key={item.id}
            item={item}
            supportsDryrun={jobs.data?.results.find((job) => job.id === item.job)?.supports_dryrun ?? false}
            onDecided={onDecided}
          />
        ))}
      </ul>
    </section>
  );
}

function QueueItem({
  item,
  supportsDryrun,
  onDecided,
}: {
  item: ScheduledJob;
  supportsDryrun: boolean;
  onDecided: (outcome: Outcome) => void;
}) {
  const { api, me } = useSession();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const own = item.user === me.username;
  const base = `/api/extras/scheduled-jobs/${item.id}`;
  const body = comment.trim() === '' ? {} : { comment: comment.trim() };
  const headingId = `request-${item.id}`;

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 409) {
        onDecided({ id: item.id, text: caught.message });
        return;
      }
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  const approve = (force: boolean) =>
    act(async () => {
      try {
        const answer = await api.post<ScheduledJob | { detail: string }>(
          `${base}/approve/${force ? '?force=true' : ''}`,
          body,
        );
        setConfirming(false);
        const detail = detailOf(answer);
        onDecided({ id: item.id, text: detail ?? `Approved “${item.name}”.` });
      } catch (caught) {
        // The start time passed while the page was open: ask, as for any past request.
        if (
          !force &&
          caught instanceof ApiError &&
          caught.status === 400 &&
          caught.message === MESSAGES.startTimePassed
        ) {
          setConfirming(true);
          return;
        }
        setConfirming(false);
        throw caught;
      }
    });

  return (
    <li class="card request" aria-labelledby={headingId} data-testid="request">
      <h2 id={headingId}>
        <Link href={`/scheduled-jobs/${item.id}`}>{item.name}</Link>
      </h2>
      <dl class="facts">
        <dt>Job</dt>
        <dd>
          <code>{item.job}</code>
        </dd>
        <dt>Requested by</dt>
        <dd data-testid="requester">{item.user}</dd>
        <dt>Requested</dt>
        <dd>
          <time dateTime={item.date_created} title={formatTime(item.date_created)}>
            {age(item.date_created)}
          </time>
        </dd>
        <ScheduleSummary job={item} />
      </dl>
      {'data' in item && (
        <details open>
          <summary>Variables</summary>
          <Json value={item.data} label={`Variables of ${item.name}`} />
        </details>
      )}
      <div class="field">
        <label for={`comment-${item.id}`}>Comment (optional)</label>
        <textarea
          id={`comment-${item.id}`}
          rows={2}
          value={comment}
          onInput={(event) => setComment(event.currentTarget.value)}
        />
      </div>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <div class="actions">
        <button
          type="button"
          class="primary"
          disabled={own || busy}
          aria-describedby={own ? `own-${item.id}` : undefined}
          onClick={() => (item.start_time_passed ? setConfirming(true) : approve(false))}
        >
          Approve
        </button>
        <button
          type="button"
          class="danger"
          disabled={busy}
          onClick={() =>
            act(async () => {
              await api.post<ScheduledJob>(`${base}/deny/`, body);
              onDecided({ id: item.id, text: own ? `Withdrew “${item.name}”.` : `Denied “${item.name}”.` });
            })
          }
        >
          {own ? 'Withdraw' : 'Deny'}
        </button>
        {supportsDryrun && (
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              act(async () => {
                const result = await api.post<JobResult>(`${base}/dry-run/`);
                navigate(`/job-results/${result.id}`);
              })
            }
          >
            Dry run
          </button>
        )}
      </div>
      {own && (
        <p id={`own-${item.id}`} class="help" data-testid="own-reason">
          {MESSAGES.ownRequest} Another user with the approve permission must decide it.
        </p>
      )}
      <ConfirmDialog
        open={confirming}
        title="Start time has passed"
        confirmLabel="Approve and run now"
        busy={busy}
        onConfirm={() => approve(true)}
        onCancel={() => setConfirming(false)}
      >
        <p>
          “{item.name}” was due to start at {formatTime(item.start_time)}. Approving it now runs it straight
          away (force). Do you want to approve it anyway?
        </p>
      </ConfirmDialog>
    </li>
  );
}
