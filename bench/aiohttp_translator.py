"""A Python translator doing the gateway's job for the demo's vehicle route, as a team
without Ferrule would write it: aiohttp under gunicorn with uvloop workers.

GET /v1/vehicles/{vrm} -> a 100-byte cp037 VEHENQ-REQ record, sent with a 4-byte big-endian
length prefix over a pooled TCP connection to the vehicle host (`ferrule mock`), the 400-byte
VEHENQ-RSP answer decoded (text trimmed, zoned and packed decimals exact, binary, OCCURS),
RETURN-CODE mapped to the HTTP status, RETURN-CODE and SYSTEM-AREA left out, JSON out.

Run by bench/gateway.sh:
  VEHICLES_HOST=127.0.0.1:7001 gunicorn -w 2 -k aiohttp.GunicornUVLoopWebWorker \
      -b 127.0.0.1:PORT bench.aiohttp_translator:app
"""

import asyncio
import json
import os
import struct
from decimal import Decimal

from aiohttp import web

HOST, PORT = os.environ.get("VEHICLES_HOST", "127.0.0.1:7001").rsplit(":", 1)
POOL_SIZE = int(os.environ.get("POOL_SIZE", "32"))


def text(b):
    return b.decode("cp037").rstrip(" ")


def zoned(b, scale=0):
    digits = b.decode("cp037")
    if not digits.isdigit():
        raise ValueError("bad zoned digits")
    return Decimal(int(digits)).scaleb(-scale)


def packed(b, scale=0):
    nibbles = b.hex()
    sign, digits = nibbles[-1], nibbles[:-1]
    if not digits.isdigit() or sign not in "abcdef":
        raise ValueError("bad packed decimal")
    value = Decimal(int(digits)).scaleb(-scale)
    return -value if sign in "bd" else value


def binary(b):
    return int.from_bytes(b, "big", signed=False)


def decode_response(rec):
    reports = []
    for i in range(3):
        o = 198 + 14 * i
        reports.append(
            {
                "report_type": text(rec[o : o + 4]),
                "report_date": zoned(rec[o + 4 : o + 12]),
                "report_force": zoned(rec[o + 12 : o + 14]),
            }
        )
    return zoned(rec[0:2]), {
        "message_text": text(rec[2:42]),
        "vrm": text(rec[42:50]),
        "make": text(rec[50:65]),
        "model": text(rec[65:85]),
        "colour": text(rec[85:95]),
        "first_registered": zoned(rec[95:103]),
        "keeper": {
            "keeper_name": text(rec[103:133]),
            "keeper_address": text(rec[133:163]),
            "keeper_postcode": text(rec[163:171]),
            "keeper_since": zoned(rec[171:179]),
        },
        "tax_status": text(rec[179:180]),
        "insured": text(rec[180:181]),
        "mot_expiry": zoned(rec[181:189]),
        "estimated_value": packed(rec[189:194], 2),
        "mileage": binary(rec[194:198]),
        "reports": reports,
    }


def encode_request(vrm):
    rec = ("VEHQ" + vrm.ljust(8)[:8] + "62" + "APIGW01".ljust(8)).ljust(100)
    return rec.encode("cp037")


class Pool:
    def __init__(self):
        self.idle = []
        self.slots = asyncio.Semaphore(POOL_SIZE)

    async def exchange(self, record):
        async with self.slots:
            conn = self.idle.pop() if self.idle else await asyncio.open_connection(HOST, int(PORT))
            reader, writer = conn
            try:
                writer.write(struct.pack(">I", len(record)) + record)
                (length,) = struct.unpack(">I", await reader.readexactly(4))
                answer = await reader.readexactly(length)
            except Exception:
                writer.close()
                raise
            self.idle.append(conn)
            return answer


async def vehicle(request):
    vrm = request.match_info["vrm"]
    if len(vrm) > 8:
        return web.json_response({"title": "Invalid request"}, status=400)
    try:
        answer = await request.app["pool"].exchange(encode_request(vrm))
        code, body = decode_response(answer)
    except Exception:
        return web.json_response({"title": "Bad backend response"}, status=502)
    status = {0: 200, 4: 404}.get(int(code), 502)
    return web.Response(
        # Decimals as exact strings: the json module has no exact decimal numbers, and
        # floats would lose digits Ferrule keeps.
        text=json.dumps(body, default=str, separators=(",", ":")),
        status=status,
        content_type="application/json",
    )


async def make_pool(app):
    app["pool"] = Pool()


app = web.Application()
app.on_startup.append(make_pool)
app.router.add_get("/v1/vehicles/{vrm}", vehicle)
