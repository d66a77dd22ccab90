/** Document lifecycle states, shared by the database, the API and the web app. */
export const DOCUMENT_STATUSES = ["pending", "processing", "completed", "failed"] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];
