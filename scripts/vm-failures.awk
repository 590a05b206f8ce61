# vm-failures.awk - from a VM run's KTAP output, what CI must show of each
# failed test, compactly (CI prints only part of a long log): every failed
# check with the lines just before it (its diagnostics), or, when the test
# failed without a failed check (time limit, exit status), its last lines.
# Runs of identical lines (a polling loop's output) are folded into one.
# Usage: awk -f vm-failures.awk KTAP
function flush_run() {
	if (run > 1)
		out[nout++] = "    (the line above " run - 1 " more times)"
	run = 0
}
function keep(line) {
	if (line == prev) {
		run++
		return
	}
	flush_run()
	out[nout++] = line
	prev = line
	run = 1
}
function report(header,    i, from, shown) {
	print "# --- " header
	shown = 0
	for (i = 0; i < nout; i++) {
		if (out[i] ~ /^ *not ok /) {
			from = i - 6 > shown ? i - 6 : shown
			for (; from <= i; from++)
				print "# " out[from]
			shown = i + 1
		}
	}
	if (!shown)
		for (i = nout > 12 ? nout - 12 : 0; i < nout; i++)
			print "# " out[i]
}
/^(not )?ok / {
	flush_run()
	if ($1 == "not")
		report($0)
	nout = 0; prev = ""; run = 0
	next
}
{ keep($0) }
