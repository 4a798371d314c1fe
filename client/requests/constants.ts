// Bounds of message requests (client/requests): a stranger can fill neither
// the disk nor the request list.

/** pending requests kept at once; a message from one stranger more is dropped (acknowledged, logged) */
export const MAX_REQUESTS = 100
/** messages one request holds back; later ones are counted, then dropped */
export const MAX_HELD_PER_REQUEST = 100
/** characters of the first message kept in a request's summary */
export const MAX_FIRST_MESSAGE_CHARS = 200
/** characters of a user id shown as its short id (the "rm1" prefix and 9 more) */
export const SHORT_ID_CHARS = 12
