// Command pinyingen writes models/pinyin.bin: the toneless pinyin of
// each Han character that github.com/mozillazg/go-pinyin knows (its most
// common reading, as pinyin.SinglePinyin gives it with default Args), as
// a compact table.
//
// go-pinyin keeps its dictionary in a map literal of 41,923 entries that
// every program importing it builds at start-up: 1.7 MB of heap and about
// 3 MB of resident memory for the bot's lifetime, for a lookup the bot
// makes only when a member's name is written. The generated table is
// embedded data (153 KB), read in place. TestPinyinTable checks it
// against go-pinyin for every character, so a new go-pinyin version is
// taken by running go generate ./models.
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"strings"

	"github.com/mozillazg/go-pinyin"
)

func main() {
	out := flag.String("o", "pinyin.bin", "output file")
	flag.Parse()
	args := pinyin.NewArgs()
	cps := make([]int, 0, len(pinyin.PinyinDict))
	for cp := range pinyin.PinyinDict {
		cps = append(cps, cp)
	}
	slices.Sort(cps)
	syllables := []string{""} // index 0: no reading
	index := map[string]int{"": 0}
	var runs []uint32 // start, count pairs of runs of consecutive code points
	var idx []byte    // two bytes per code point of the runs, big-endian
	for i, cp := range cps {
		py := pinyin.SinglePinyin(rune(cp), args)
		s := ""
		if len(py) > 0 {
			s = py[0]
		}
		n, ok := index[s]
		if !ok {
			n = len(syllables)
			index[s] = n
			syllables = append(syllables, s)
		}
		if i > 0 && cp == cps[i-1]+1 {
			runs[len(runs)-1]++
		} else {
			runs = append(runs, uint32(cp), 1)
		}
		idx = append(idx, byte(n>>8), byte(n))
	}
	if err := os.WriteFile(*out, encode(syllables, runs, idx), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "%d characters, %d readings, %d runs\n", len(cps), len(syllables)-1, len(runs)/2)
}

// encode lays the table out as models/pinyin.go reads it (all numbers
// big-endian):
//
//	"PY1\n"
//	uint32 length, then the readings 1..n separated by spaces
//	uint32 number of runs r, then r+1 pairs (first code point, offset of
//	  its first character in the index), the last pair (0, total)
//	the index: two bytes per character, its reading (0: none)
func encode(syllables []string, runs []uint32, idx []byte) []byte {
	var b []byte
	b = append(b, "PY1\n"...)
	words := strings.Join(syllables[1:], " ")
	b = binary.BigEndian.AppendUint32(b, uint32(len(words)))
	b = append(b, words...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(runs)/2))
	off := uint32(0)
	for i := 0; i < len(runs); i += 2 {
		b = binary.BigEndian.AppendUint32(b, runs[i])
		b = binary.BigEndian.AppendUint32(b, off)
		off += runs[i+1]
	}
	b = binary.BigEndian.AppendUint32(b, 0)
	b = binary.BigEndian.AppendUint32(b, off)
	return append(b, idx...)
}
