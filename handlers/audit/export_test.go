package audit

// PageSize is how many events one page shows, for the chat tests.
const PageSize = pageSize
