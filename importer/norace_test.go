//go:build !race

package importer

// raceEnabled scales the large-file test down under the race detector.
const raceEnabled = false
