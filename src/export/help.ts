/** The `export --help` epilogue: one example per format, and how to open what it writes. */
export const EXPORT_EXAMPLES = `
Examples (one per format, and how to open the file):
  netflow-tui export hello                         hello.pcapng: the server's wire, each frame
                                                   commented "netflow step N: …"
      wireshark hello.pcapng      tshark -r hello.pcapng -Y 'frame.comment contains "accept"'
      tshark -r hello.pcapng -q -z follow,tcp,ascii,0   the request and response bytes
  netflow-tui export hello --format pcap           hello.pcap, classic libpcap (no comments)
      tcpdump -nr hello.pcap
  netflow-tui export keepalive --format perfetto   keepalive.perfetto.json: tracks per layer, one
                                                   flow per request (press ] and [ on a slice)
      open https://ui.perfetto.dev → Open trace file (or chrome://tracing → Load)
  netflow-tui export hello --format strace -o -    the syscalls as strace -f -tt -T prints them
      diff <(netflow-tui export hello --format strace -o -) real.strace
  netflow-tui export slow-handler-4 --format schedtrace --interval 1
                                                   GODEBUG=schedtrace=1,scheddetail=1 lines
      less slow-handler-4.schedtrace
  netflow-tui export burst --format jsonl --conn 3 the records of connection 3, as run --json
      jq -c 'select(.kind=="syscall")' burst.jsonl
  netflow-tui export c10k --from 1000 --to 5000 -o part.pcapng   steps 1000–5000 only

The output defaults to <scenario>.<format ending> in the current directory; an existing file is
kept unless --force. -o - writes to stdout. Exit status: 0 written, 2 bad input.`;
