import type { EventDraft, Language, SluiceError } from '../protocol/index.ts';

/** The `error` event for a SluiceError, its message in the run's language. */
export function errorEvent(error: SluiceError, language: Language): EventDraft {
  return {
    event_type: 'error',
    data: {
      error_message: error.toBody(language).error.message,
      error_details: error.details,
      code: error.code,
      retryable: error.retryable,
    },
  };
}
