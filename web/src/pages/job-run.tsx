import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, detailOf, fieldErrors, query } from '../api/client';
import type { Job, RunResponse, SchedulePreview } from '../api/types';
import { fieldsOf, initialValues, SchemaFields, toData } from '../components/schema-form';
import { ErrorMessage, Loading } from '../components/states';
import { useDebounced, useResource, useTitle } from '../hooks';
import { announceQueueChanged } from '../queue';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import { browserTimeZone, formatTime, timeZones, wallTimeIn, wallTimeToIso } from '../time';
import { JobFlags } from './jobs';

/** Nautobot's schedule types, and the fields each one needs. */
const INTERVALS = [
  { value: 'immediately', label: 'Immediately', fields: [] },
  { value: 'future', label: 'Once in the future', fields: ['name', 'start_time', 'time_zone'] },
  { value: 'hourly', label: 'Hourly', fields: ['name', 'start_time', 'time_zone'] },
  { value: 'daily', label: 'Daily', fields: ['name', 'start_time', 'time_zone'] },
  { value: 'weekly', label: 'Weekly', fields: ['name', 'start_time', 'time_zone'] },
  { value: 'custom', label: 'Custom (crontab)', fields: ['name', 'crontab', 'time_zone'] },
] as const;

type Interval = (typeof INTERVALS)[number]['value'];
const SCHEDULE_FIELDS = ['interval', 'name', 'start_time', 'crontab', 'time_zone'];

interface ScheduleState {
  interval: Interval;
  name: string;
  startTime: string;
  crontab: string;
  timeZone: string;
}

function scheduleBody(schedule: ScheduleState) {
  const needs = INTERVALS.find((interval) => interval.value === schedule.interval)?.fields ?? [];
  const has = (field: string) => (needs as readonly string[]).includes(field);
  return {
    interval: schedule.interval,
    ...(has('name') ? { name: schedule.name } : {}),
    ...(has('start_time')
      ? { start_time: wallTimeToIso(schedule.startTime, schedule.timeZone) ?? schedule.startTime }
      : {}),
    ...(has('crontab') ? { crontab: schedule.crontab } : {}),
    ...(has('time_zone') ? { time_zone: schedule.timeZone } : {}),
  };
}

/** Splits the API's field errors into the variables' and the schedule's, and the rest. */
function splitErrors(body: unknown) {
  const variables: Record<string, string[]> = {};
  const schedule: Record<string, string[]> = {};
  const other: string[] = [];
  for (const [path, messages] of Object.entries(fieldErrors(body))) {
    const parts = path.split('.');
    if (parts[0] === 'data' && parts[1]) {
      variables[parts[1]] = [...(variables[parts[1]] ?? []), ...messages];
    } else {
      const name = parts[0] === 'schedule' ? (parts[1] ?? '') : (parts[0] ?? '');
      if (SCHEDULE_FIELDS.includes(name)) schedule[name] = [...(schedule[name] ?? []), ...messages];
      else other.push(`${path}: ${messages.join(' ')}`);
    }
  }
  return { variables, schedule, other };
}

export function JobRun({ jobPath }: { jobPath: string }) {
  const { api } = useSession();
  const job = useResource((signal) => api.get<Job>(`/api/extras/jobs/${jobPath}/`, signal), [api, jobPath]);
  useTitle(job.data ? `Run ${job.data.name}` : 'Run a job');
  if (job.error !== undefined) return <ErrorMessage error={job.error} retry={job.reload} />;
  if (!job.data) return <Loading what="the job" />;
  return <RunForm job={job.data} />;
}

function RunForm({ job }: { job: Job }) {
  const { api } = useSession();
  const fields = useMemo(() => fieldsOf(job.variables), [job]);
  const [values, setValues] = useState(() => initialValues(fields));
  const [schedule, setSchedule] = useState<ScheduleState>(() => ({
    interval: 'immediately',
    name: '',
    startTime: wallTimeIn(browserTimeZone, 60),
    crontab: '',
    timeZone: browserTimeZone,
  }));
  const [dryrun, setDryrun] = useState(false);
  const [errors, setErrors] = useState<ReturnType<typeof splitErrors>>({
    variables: {},
    schedule: {},
    other: [],
  });
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const sensitive = job.has_sensitive_variables;
  const needs = INTERVALS.find((interval) => interval.value === schedule.interval)?.fields ?? [];
  const shows = (field: string) => (needs as readonly string[]).includes(field);
  const zones = useMemo(timeZones, []);
  const set = (patch: Partial<ScheduleState>) => setSchedule((previous) => ({ ...previous, ...patch }));

  const previewParams = useDebounced(scheduleBody(schedule), 300);
  const previewKey = JSON.stringify(previewParams);
  const preview = useResource<SchedulePreview | null>(
    (signal) =>
      // Nothing to preview yet: no request, rather than a 400 for a field still being filled in.
      previewParams.interval === 'immediately' ||
      ('crontab' in previewParams && !previewParams.crontab) ||
      ('start_time' in previewParams && !previewParams.start_time)
        ? Promise.resolve(null)
        : api.get<SchedulePreview>(
            `/api/extras/scheduled-jobs/preview/${query({ ...previewParams, name: undefined, count: 5 })}`,
            signal,
          ),
    [api, previewKey],
  );
  const previewErrors =
    preview.error instanceof ApiError && preview.error.status === 400
      ? splitErrors(preview.error.body).schedule
      : {};

  useEffect(() => {
    if (sensitive && schedule.interval !== 'immediately') set({ interval: 'immediately' });
  }, [sensitive, schedule.interval]);

  const scheduleError = (name: string) => {
    const messages = errors.schedule[name] ?? (name === 'name' ? undefined : previewErrors[name]);
    return messages && messages.length > 0 ? (
      <p id={`schedule-${name}-error`} class="field-error">
        {messages.join(' ')}
      </p>
    ) : null;
  };
  const invalid = (name: string) =>
    (errors.schedule[name] ?? (name === 'name' ? undefined : previewErrors[name])) ? true : undefined;
  const describedBy = (name: string, help?: string) =>
    [help, invalid(name) && `schedule-${name}-error`].filter(Boolean).join(' ') || undefined;

  return (
    <section>
      <p class="breadcrumbs">
        <Link href="/jobs">Jobs</Link> › {job.name}
      </p>
      <h1 tabIndex={-1}>Run {job.name}</h1>
      <p class="path">
        <code>{job.id}</code>
      </p>
      <JobFlags job={job} />
      <p>{job.description}</p>
      {!job.enabled && <p class="notice">This job is disabled and cannot be run.</p>}
      <form
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          setFailure(undefined);
          setErrors({ variables: {}, schedule: {}, other: [] });
          try {
            const response = await api.post<RunResponse>(`/api/extras/jobs/${job.id}/run/`, {
              data: toData(fields, values),
              // A dry run starts now, whatever the schedule says.
              ...(schedule.interval === 'immediately' || dryrun ? {} : { schedule: scheduleBody(schedule) }),
              ...(dryrun ? { dryrun: true } : {}),
            });
            if (response.scheduled_job?.approval_required) announceQueueChanged();
            if (response.job_result) navigate(`/job-results/${response.job_result.id}`);
            else if (response.scheduled_job)
              navigate(`/scheduled-jobs/${response.scheduled_job.id}?submitted=1`);
          } catch (caught) {
            setBusy(false);
            if (caught instanceof ApiError && caught.status === 400 && detailOf(caught.body) === undefined) {
              const split = splitErrors(caught.body);
              setErrors(split);
              if (
                split.other.length === 0 &&
                Object.keys(split.variables).length + Object.keys(split.schedule).length === 0
              )
                setFailure(caught);
              document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
            } else setFailure(caught);
          }
        }}
      >
        <fieldset>
          <legend>Variables</legend>
          <SchemaFields
            fields={fields}
            values={values}
            errors={errors.variables}
            onChange={(name, value) => setValues((previous) => ({ ...previous, [name]: value }))}
          />
        </fieldset>

        <fieldset disabled={dryrun}>
          <legend>When{dryrun ? ' (a dry run starts now)' : ''}</legend>
          <div class="field">
            <label for="schedule-interval">Schedule type</label>
            <select
              id="schedule-interval"
              value={schedule.interval}
              disabled={sensitive}
              aria-describedby={sensitive ? 'schedule-interval-help' : undefined}
              onChange={(event) => set({ interval: event.currentTarget.value as Interval })}
            >
              {INTERVALS.filter((interval) => !sensitive || interval.value === 'immediately').map(
                (interval) => (
                  <option key={interval.value} value={interval.value}>
                    {interval.label}
                  </option>
                ),
              )}
            </select>
            {sensitive && (
              <p id="schedule-interval-help" class="help">
                This job has sensitive variables, so it can only run immediately: its input is never stored
                for a later run.
              </p>
            )}
            {scheduleError('interval')}
          </div>
          {shows('name') && (
            <div class="field">
              <label for="schedule-name">
                Schedule name<span aria-hidden="true"> *</span>
              </label>
              <input
                id="schedule-name"
                type="text"
                required
                aria-invalid={invalid('name')}
                aria-describedby={describedBy('name')}
                value={schedule.name}
                onInput={(event) => set({ name: event.currentTarget.value })}
              />
              {scheduleError('name')}
            </div>
          )}
          {shows('start_time') && (
            <div class="field">
              <label for="schedule-start">Start time</label>
              <input
                id="schedule-start"
                type="datetime-local"
                aria-invalid={invalid('start_time')}
                aria-describedby={describedBy('start_time', 'schedule-start-help')}
                value={schedule.startTime}
                onInput={(event) => set({ startTime: event.currentTarget.value })}
              />
              <p id="schedule-start-help" class="help">
                In the time zone below ({schedule.timeZone}).
              </p>
              {scheduleError('start_time')}
            </div>
          )}
          {shows('crontab') && (
            <div class="field">
              <label for="schedule-crontab">Crontab</label>
              <input
                id="schedule-crontab"
                type="text"
                placeholder="*/15 9-17 * * 1-5"
                aria-invalid={invalid('crontab')}
                aria-describedby={describedBy('crontab', 'schedule-crontab-help')}
                value={schedule.crontab}
                onInput={(event) => set({ crontab: event.currentTarget.value })}
              />
              <p id="schedule-crontab-help" class="help">
                Five fields: minute, hour, day of month, month, day of week.
              </p>
              {scheduleError('crontab')}
            </div>
          )}
          {shows('time_zone') && (
            <div class="field">
              <label for="schedule-zone">Time zone</label>
              <select
                id="schedule-zone"
                value={schedule.timeZone}
                aria-invalid={invalid('time_zone')}
                aria-describedby={describedBy('time_zone')}
                onChange={(event) => set({ timeZone: event.currentTarget.value })}
              >
                {zones.map((zone) => (
                  <option key={zone} value={zone}>
                    {zone}
                    {zone === browserTimeZone ? ' (yours)' : ''}
                  </option>
                ))}
              </select>
              {scheduleError('time_zone')}
            </div>
          )}
          {schedule.interval !== 'immediately' && (
            <div class="preview" aria-live="polite">
              <h2>Next runs</h2>
              {preview.loading && !preview.data && <p class="muted">Working out the next runs…</p>}
              {preview.data && preview.data.next_run_times.length > 0 && !preview.error && (
                <ol data-testid="next-runs">
                  {preview.data.next_run_times.map((time) => (
                    <li key={time}>{formatTime(time, preview.data?.time_zone ?? schedule.timeZone)}</li>
                  ))}
                </ol>
              )}
              {preview.error !== undefined && <p class="muted">No preview until the schedule is valid.</p>}
            </div>
          )}
        </fieldset>

        {job.supports_dryrun && (
          <div class="field checkbox">
            <input
              id="dryrun"
              type="checkbox"
              checked={dryrun}
              onChange={(event) => setDryrun(event.currentTarget.checked)}
            />
            <label for="dryrun">Dry run (reports what it would do, changes nothing)</label>
          </div>
        )}
        {job.approval_required && !dryrun && (
          <p class="notice">
            This job needs approval: your request waits in the approval queue until another user approves it.
          </p>
        )}
        {errors.other.length > 0 && (
          <ul class="field-error" role="alert">
            {errors.other.map((message) => (
              <li key={message}>{message}</li>
            ))}
          </ul>
        )}
        {failure !== undefined && <ErrorMessage error={failure} />}
        <button type="submit" class="primary" disabled={busy || !job.enabled}>
          {busy
            ? 'Submitting…'
            : dryrun
              ? 'Start dry run'
              : job.approval_required
                ? 'Request approval'
                : schedule.interval === 'immediately'
                  ? 'Run now'
                  : 'Schedule'}
        </button>
      </form>
    </section>
  );
}
