package importer

import (
	"fmt"
	"strings"
)

// columnNotes explains each column in the 说明 sheet, by field.
var columnNotes = map[field]string{
	fName:          "受处分人员姓名，最多 64 个字。首尾空格、全角字母数字和全角空格会自动规范，两字姓名中间的空格会去掉。",
	fUnit:          "所在单位名称，或用“/”分隔的单位路径，如“东湖镇/机关党支部”。单位须已在系统中建立。",
	fPost:          "选填，最多 128 个字。",
	fKeyReason:     "“是否重点”为“是”时必填，如“对处分不服、有对立情绪”；最多 256 个字。",
	fDecisionNo:    "处分决定文号，最多 64 个字。文号是处分的标识：同一文件再次导入只会更新，不会重复。",
	fDecisionDate:  "处分决定日期。可写 2025-11-20、2025/11/20、2025.11.20、2025年11月20日，或使用 Excel 日期格式；须在 2000 至 2100 年之间，且不晚于导入当天。",
	fEffectiveDate: "选填，不填则同决定日期；不得早于决定日期。处分影响期从生效日起算。",
}

// generalNotes are the rules that hold for every sheet.
var generalNotes = []string{
	"第一格或姓名以“示例”开头的行是示例，导入时跳过，可以删除。空行自动跳过。",
	"列的顺序可以调整，但不要增加其他列或改动列名，否则整个文件不会导入。列名也可全部用英文（见“英文列名”）。",
	"任何单元格都不能以 =、+、-、@ 开头（导出时会变成公式），这样的行会被拒绝。",
	"每张表最多 20000 行，文件最大 10 MB。",
	"也可以导入 CSV 文件（UTF-8 或 GB18030 编码）：一个 CSV 文件只放一张表（人员或处分），由第一行的列名判断是哪一张。",
	"导入前先预览：将新增和更新多少人员、处分，哪些行被拒绝（行号、列名、原因），确认后才写入；人员以姓名和单位识别，处分以文号识别。",
}

// noteFor returns the 说明 text of a column.
func noteFor(f field) string {
	switch f {
	case fRank:
		return rankNote()
	case fKey:
		return "填 是 或 否（也接受 Y/N、yes/no、true/false、1/0）；不填为否。对处分不服、有对立情绪的人员为重点回访对象。"
	case fKind:
		return kindNote()
	case fProbation:
		return "仅“留党察看”填写：12 或 24（也接受 1年、2年、一年、二年、两年、12个月、24个月）；也可在处分种类中写“留党察看一年”“留党察看二年”。其他处分种类不填（或填 0）。"
	}
	return columnNotes[f]
}

func rankNote() string {
	var labels, aliases []string
	for _, l := range rankLabels {
		labels = append(labels, l.label)
		aliases = append(aliases, l.aliases...)
	}
	return fmt.Sprintf("填 %s 之一（也接受 %s）；不填为“其他”。新导入的处分记录该人员此时的人员类别：其中科级领导干部和国家公务员为必访对象，以后改变人员类别不影响。",
		strings.Join(labels, "、"), strings.Join(aliases, "、"))
}

// kindNote lists exactly the kind spellings parseKind accepts.
func kindNote() string {
	var labels, bases [2][]string // [0] party, [1] governmental
	var bareNo []string
	for n, l := range append(append([]kindLabel(nil), kindLabels...), extraKindBases...) {
		i := 1
		if l.party {
			i = 0
		}
		if n < len(kindLabels) {
			labels[i] = append(labels[i], l.label)
		}
		bases[i] = append(bases[i], l.base)
		if !l.bare {
			bareNo = append(bareNo, l.label)
		}
	}
	var years []string
	for _, w := range []string{"一年", "1年", "二年", "两年", "2年"} {
		years = append(years, "留党察看"+w)
	}
	return fmt.Sprintf("党纪处分：%s；政务处分：%s。"+
		"也接受：党纪处分名称（%s）前加%s或后加%s，如“警告（党纪）”“党纪严重警告”；"+
		"政务处分名称（%s）前加%s或后加%s，如“警告（政务）”“行政记过”；"+
		"除“警告”外，这些名称也可单独写，“开除公职”同“开除”；%s（也可加括号，如“留党察看（一年）”）；"+
		"以上名称末尾可带“处分”二字，全角、半角括号均可。"+
		"单独写“警告”分不清党纪还是政务（应写%s），不被接受。也接受英文代码，如 party_warning、gov_demerit。",
		strings.Join(labels[0], "、"), strings.Join(labels[1], "、"),
		strings.Join(bases[0], "、"), quoteAll(partyPrefixes), quoteAll(partySuffixes),
		strings.Join(bases[1], "、"), quoteAll(govPrefixes), quoteAll(govSuffixes),
		strings.Join(years, "、"), strings.Join(bareNo, "或"))
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = "“" + strings.ReplaceAll(strings.ReplaceAll(s, "(", "（"), ")", "）") + "”"
	}
	return strings.Join(q, "、")
}
