/**
 * The fidelity thresholds `npm run fidelity` (scripts/fidelity.ts) and test/fidelity-real.test.ts
 * hold the simulation to, in percent of non-bookkeeping syscalls matched against real Go 1.23 on
 * loopback. Set from what the simulation reaches today, with room for run-to-run scheduling noise:
 * measured 2026-11-30 on a 2-vCPU VM under load, Go 1.23.5, Linux 6.x: 85.2–86.4 % overall in three
 * runs (530/622, 535/628, 533/617), every case between 72.7 % (port-in-use) and 95.7 % (query); README "How faithful it is" has the per-case
 * figures. Raise them as divergences are fixed; the aim is 95 %. After the issue-10 net/http and
 * netpoller fixes (same VM, under load): 567/620 = 91.5 % overall, cases 82.1 % (upload-large) to 100 %
 * (port-in-use); a second, partial run had cases from 84.9 % to 94.4 %. With the wire and thread fixes
 * merged, the clean-clone CI run: 568/627 = 90.6 %, cases 78.9 % (upload-large) to 96.9 %; earlier runs
 * of one case differed by up to 9 points, so the per-case floor sits ~9 below the lowest case.
 */
export const MIN_OVERALL_PERCENT = 86;
export const MIN_CASE_PERCENT = 70;
