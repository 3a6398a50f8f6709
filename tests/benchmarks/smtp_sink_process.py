"""An SMTP server in its own process for the benchmarks: accepts and counts, keeps nothing.

    python tests/benchmarks/smtp_sink_process.py PORT

Prints "ready" when listening. It speaks just enough SMTP for a client that sends mail (EHLO,
MAIL, RCPT, DATA, RSET, NOOP, QUIT), answering each command at once, so the figures measure the
sender rather than a full mail server's parsing; its CPU is its own process's.
"""

import asyncio
import sys


class Session(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.buffer = b""
        self.in_data = False
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
                self.transport.write(b"250 OK\r\n")
                continue
            line, found, rest = self.buffer.partition(b"\r\n")
            if not found:
                return
            self.buffer = rest
            self.command(line[:4].upper())

    def command(self, verb):
        if verb == b"EHLO":
            self.transport.write(b"250-bench-sink\r\n250 8BITMIME\r\n")
        elif verb == b"DATA":
            self.in_data = True
            self.buffer = b"\r\n" + self.buffer  # the terminator may follow at once
            self.transport.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
        elif verb == b"QUIT":
            self.transport.write(b"221 Bye\r\n")
            self.transport.close()
        else:
            self.transport.write(b"250 OK\r\n")


async def serve(port: int) -> None:
    server = await asyncio.get_running_loop().create_server(Session, "127.0.0.1", port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1])))
