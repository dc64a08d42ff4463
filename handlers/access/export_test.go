package access

// MaxUnitButtons is how many units a picker offers as buttons, for the
// chat tests.
const MaxUnitButtons = maxUnitButtons
