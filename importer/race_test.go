//go:build race

package importer

// raceEnabled scales the large-file test down under the race detector,
// which slows excelize's XML decoding about sixfold.
const raceEnabled = true
