/**
 * Stands in for `@smithy/core/event-streams` in the Lambda bundles (see `lib/bundling.ts`). The SDK's
 * HTTP protocols load event-stream support lazily, on the first operation with an event stream; the
 * services Countersign calls (DynamoDB, Step Functions, EventBridge Scheduler, KMS) have none, so the
 * 14 KiB it adds to every bundle would never run. Should one ever be called, it fails loudly here.
 */
function unsupported(): never {
  throw new Error('Event streams are left out of Countersign bundles; see lib/bundling.ts.');
}

export const EventStreamSerde = unsupported;
export const eventStreamSerdeProvider = unsupported;
