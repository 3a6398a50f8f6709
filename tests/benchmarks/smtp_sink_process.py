"""An SMTP server in its own process for the benchmarks: accepts and counts, keeps no message.

    python tests/benchmarks/smtp_sink_process.py PORT

Prints "ready" when listening and, when stopped with SIGTERM, one JSON line counting what it
accepted per recipient domain: messages, distinct recipients, and the most copies one recipient
got (so a benchmark can check that every recipient got exactly one).

It speaks just enough SMTP for a client that sends mail (EHLO, MAIL, RCPT, DATA, RSET, NOOP,
QUIT), answering each command at once, so the figures measure the sender rather than a full
mail server's parsing; its CPU is its own process's. It offers PIPELINING (RFC 2920), as most
mail servers do: commands that arrive together are answered together, in order.
"""

import asyncio
import json
import signal
import sys
from collections import Counter

RECEIVED: Counter[bytes] = Counter()


class Session(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.buffer = b""
        self.in_data = False
        self.recipients = []
        transport.write(b"220 bench-sink ESMTP\r\n")

    def data_received(self, data):
        self.buffer += data
        while True:
            if self.in_data:
                end = self.buffer.find(b"\r\n.\r\n")
                if end < 0:
                    return
                self.buffer = self.buffer[end + 5 :]
                self.in_data = False
                RECEIVED.update(self.recipients)
                self.recipients = []
                self.transport.write(b"250 OK\r\n")
                continue
            line, found, rest = self.buffer.partition(b"\r\n")
            if not found:
                return
            self.buffer = rest
            self.command(line[:4].upper(), line)

    def command(self, verb, line):
        if verb == b"EHLO":
            self.transport.write(b"250-bench-sink\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
        elif verb == b"DATA":
            self.in_data = True
            self.buffer = b"\r\n" + self.buffer  # the terminator may follow at once
            self.transport.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
        elif verb == b"RCPT":
            self.recipients.append(line.partition(b"<")[2].partition(b">")[0].lower())
            self.transport.write(b"250 OK\r\n")
        elif verb in (b"MAIL", b"RSET"):
            self.recipients = []
            self.transport.write(b"250 OK\r\n")
        elif verb == b"QUIT":
            self.transport.write(b"221 Bye\r\n")
            self.transport.close()
        else:
            self.transport.write(b"250 OK\r\n")


def summary() -> dict:
    domains: dict[str, dict] = {}
    for address, copies in RECEIVED.items():
        domain = domains.setdefault(
            address.rpartition(b"@")[2].decode(), {"messages": 0, "recipients": 0, "most": 0}
        )
        domain["messages"] += copies
        domain["recipients"] += 1
        domain["most"] = max(domain["most"], copies)
    return domains


async def serve(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Session, "127.0.0.1", port)
    stopped = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stopped.set_result, None)
    print("ready", flush=True)
    async with server:
        await stopped
    print(json.dumps(summary()), flush=True)


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1])))
