/**
 * The small remote helper: a python3 program (the controller has python3: it runs
 * `cmc-templates.py` and `run-sorry-cypress.py`) run as `python3 -c <HELPER> ` with one JSON request
 * on stdin and one JSON answer on stdout. One request carries many operations, so a whole poll
 * (listing plus the changed bytes, logs from their offsets) is ONE ssh round trip.
 *
 * Request: `{ root, extraRoots, ops: Op[] }`; answer `{ v: 1, results: Result[] }`, one result per op,
 * in order. Ops and results:
 * - `{op:"list", dir}` → `{ok:true, entries:[[path, sizeBytes, mtimeMs, bytesB64|null]…], issues:[[path, code]…]}`
 * - `{op:"read", path, offset, max}` → `{ok:true, data:b64}` | `{ok:false, code, message}`
 * - `{op:"stat", path}` → `{ok:true, entry:[path, size, mtimeMs]|null}`
 * - `{op:"ps"}` → `{ok:true, procs:[[pid, ppid, state, startMs|null, command, argv?]…]}` (`argv`
 *   only when splitting `command` at whitespace would not give it back: an argument with a space)
 * - `{op:"poll", dirs, stats?, match?, known:{path:[size, mtimeMs]}, offsets:{path:offset}, head?, skip?, max}`
 *   → the listings of `dirs`, the stat results of `stats`, and `contents:[[path, offset, b64, headB64|null]…]`
 *   for every listed or statted file that matches one of `match` (Python `re.fullmatch` sources;
 *   absent: every file), whose size or mtime differs from `known` and whose unread part is at most
 *   `skip` bytes (read from its offset, at most `max` bytes; with an offset > 0 also its first
 *   `head` bytes), plus `errors:[[path, code, message]…]` for files that could not be read.
 *
 * Paths follow the `ArtifactSource` port: relative POSIX paths are under `root`; absolute paths are
 * allowed inside `root` or an extra root. `..` segments are refused, and a path whose real location
 * (after symlinks) leaves the root and the extra roots is refused (`INVALID_PATH`), so a symlink can
 * never read outside them. Files under an extra root (`/tmp`) are opened with `O_NOFOLLOW`, and every
 * open is `O_NONBLOCK` and must be a regular file (a FIFO never hangs the helper). A file name that is
 * not UTF-8 is listed with `\xNN` escapes and its raw bytes (base64) so it is never dropped.
 */
export const REMOTE_HELPER_PY: string = String.raw`
import base64, json, os, re, stat, sys
req = json.loads(sys.stdin.buffer.read().decode("utf-8"))
root = os.path.abspath(req["root"])
extras = [os.path.abspath(d) for d in req.get("extraRoots", [])]
def real(p):
    try:
        return os.path.realpath(p)
    except OSError:
        return p
realroots = [real(root)] + [real(d) for d in extras]
def inside(p, d):
    return p == d or p.startswith(d.rstrip("/") + "/")
class Bad(Exception):
    def __init__(self, code, message):
        self.code = code; self.message = message
def unesc(p):
    # The port's escaped names: "\\\\" is a backslash, "\\xHH" a raw byte, the rest UTF-8.
    out = bytearray(); i = 0
    while i < len(p):
        if p[i] == "\\" and p[i + 1:i + 2] == "\\":
            out.append(92); i += 2; continue
        if p[i] == "\\" and p[i + 1:i + 2] == "x" and len(p) >= i + 4:
            try:
                out.append(int(p[i + 2:i + 4], 16)); i += 4; continue
            except ValueError:
                pass
        out += p[i].encode("utf-8", "surrogatepass"); i += 1
    return os.fsdecode(bytes(out))
def resolve(p):
    if "\x00" in p: raise Bad("INVALID_PATH", "path contains a NUL byte")
    p = unesc(p)
    if ".." in p.split("/"): raise Bad("INVALID_PATH", "path has a '..' segment: " + p)
    if p.startswith("/"):
        a = os.path.normpath(p)
        if inside(a, root): return a, False, True
        if any(inside(a, d) for d in extras): return a, True, True
        raise Bad("INVALID_PATH", "absolute path %s is outside the root and the extra roots" % p)
    segs = [s for s in p.split("/") if s not in ("", ".")]
    return (os.path.join(root, *segs) if segs else root), False, False
def confined(a):
    r = real(a)
    return any(inside(r, d) for d in realroots)
def name(a, absolute):
    if absolute: return a
    return "" if a == root else a[len(root) + 1:]
def enc(s):
    b = os.fsencode(s)
    out = []; i = 0; changed = False
    while i < len(b):
        c = b[i]
        if c == 92:
            out.append("\\\\"); changed = True; i += 1; continue
        if c < 128:
            out.append(chr(c)); i += 1; continue
        n = 2 if c >> 5 == 6 else 3 if c >> 4 == 14 else 4 if c >> 3 == 30 else 0
        try:
            if n == 0: raise UnicodeDecodeError("utf-8", b, i, i + 1, "bad")
            out.append(b[i:i + n].decode("utf-8")); i += n; continue
        except UnicodeDecodeError:
            out.append("\\x%02x" % c); changed = True; i += 1
    esc = "".join(out)
    return esc, (base64.b64encode(b).decode("ascii") if changed else None)
def errcode(e):
    import errno
    return errno.errorcode.get(e.errno, "EIO") if isinstance(e, OSError) and e.errno else "EIO"
def do_list(d):
    a, extra, absolute = resolve(d)
    entries = []; issues = []
    if not os.path.isdir(a) or (os.path.islink(a) and not confined(a)):
        return {"ok": True, "entries": [], "issues": []}
    def onerr(e):
        p, _ = enc(getattr(e, "filename", a) or a)
        issues.append([name(p, absolute), errcode(e)])
    for dirpath, dirnames, filenames in os.walk(a, onerror=onerr, followlinks=False):
        for f in filenames + [x for x in dirnames if os.path.islink(os.path.join(dirpath, x))]:
            full = os.path.join(dirpath, f)
            try:
                st = os.stat(full) if os.path.islink(full) else os.lstat(full)
            except OSError as e:
                if getattr(e, "errno", 0) != 2:
                    p, _ = enc(full); issues.append([name(p, absolute), errcode(e)])
                continue
            if not stat.S_ISREG(st.st_mode): continue
            if os.path.islink(full) and not confined(full):
                p, _ = enc(full); issues.append([name(p, absolute), "SYMLINK_OUTSIDE"]); continue
            p, raw = enc(full)
            entries.append([name(p, absolute), st.st_size, st.st_mtime_ns / 1e6, raw])
    entries.sort(key=lambda e: e[0])
    return {"ok": True, "entries": entries, "issues": issues}
def open_reg(p):
    a, extra, _ = resolve(p)
    if not confined(a): raise Bad("INVALID_PATH", "%s resolves outside the root through a symlink" % p)
    flags = os.O_RDONLY | os.O_NONBLOCK | (os.O_NOFOLLOW if extra else 0)
    try:
        fd = os.open(a, flags)
    except OSError as e:
        if e.errno == 40: raise Bad("INVALID_PATH", "refusing to follow a symlink at %s" % p)
        raise Bad("ARTIFACT_NOT_FOUND", "cannot open %s (%s)" % (p, errcode(e)))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd); raise Bad("INVALID_PATH", "%s is not a regular file" % p)
    return fd
def read_bytes(p, offset, mx):
    fd = open_reg(p)
    try:
        os.lseek(fd, max(0, int(offset)), 0)
        left = None if mx is None else max(0, int(mx))
        chunks = []
        while left is None or left > 0:
            n = 1 << 20 if left is None else min(left, 1 << 20)
            b = os.read(fd, n)
            if not b: break
            chunks.append(b)
            if left is not None: left -= len(b)
        return b"".join(chunks)
    finally:
        os.close(fd)
def do_read(op):
    return {"ok": True, "data": base64.b64encode(read_bytes(op["path"], op.get("offset", 0), op.get("max"))).decode("ascii")}
def do_stat(op):
    a, extra, absolute = resolve(op["path"])
    try:
        st = os.stat(a)
    except OSError:
        return {"ok": True, "entry": None}
    if not stat.S_ISREG(st.st_mode) or not confined(a): return {"ok": True, "entry": None}
    return {"ok": True, "entry": [name(a, absolute), st.st_size, st.st_mtime_ns / 1e6]}
def do_ps(op):
    try:
        btime = next(int(l.split()[1]) for l in open("/proc/stat") if l.startswith("btime"))
    except Exception:
        btime = None
    tck = os.sysconf("SC_CLK_TCK")
    procs = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit(): continue
        try:
            s = open("/proc/%s/stat" % pid, "rb").read().decode("latin-1")
            cmd = open("/proc/%s/cmdline" % pid, "rb").read()
        except OSError:
            continue
        rest = s[s.rfind(")") + 2:].split()
        comm = s[s.find("(") + 1:s.rfind(")")]
        argv = cmd.split(b"\x00")
        if argv and argv[-1] == b"": argv.pop()
        command = b" ".join(argv).decode("utf-8", "replace") if argv else "[%s]" % comm
        start = None if btime is None else btime * 1000 + round(int(rest[19]) * 1000 / tck)
        words = [w.decode("utf-8", "replace") for w in argv]
        procs.append([int(pid), int(rest[1]), rest[0], start, command] + ([words] if argv and command.split() != words else []))
    procs.sort(key=lambda p: p[0])
    return {"ok": True, "procs": procs}
def do_poll(op):
    listings = []; stats = []; contents = []; errors = []
    known = op.get("known", {}); offsets = op.get("offsets", {})
    match = op.get("match")
    match = None if match is None else [re.compile(m) for m in match]
    head = int(op.get("head") or 0); skip = op.get("skip")
    cands = []
    for d in op["dirs"]:
        r = run({"op": "list", "dir": d}); listings.append(r)
        if r["ok"]: cands += [(e, r) for e in r["entries"]]
    for p in op.get("stats", []):
        r = run({"op": "stat", "path": p}); stats.append(r)
        if r["ok"] and r["entry"] is not None: cands.append((r["entry"], None))
    seen = set()
    for e, r in cands:
        if e[0] in seen: continue
        if match is not None and not any(m.fullmatch(e[0]) for m in match): continue
        k = known.get(e[0])
        if k is not None and k[0] == e[1] and k[1] == e[2]: continue
        off = offsets.get(e[0], 0)
        if skip is not None and e[1] - off > skip: continue
        seen.add(e[0])
        try:
            data = base64.b64encode(read_bytes(e[0], off, op.get("max"))).decode("ascii")
            h = base64.b64encode(read_bytes(e[0], 0, head)).decode("ascii") if off > 0 and head > 0 else None
            contents.append([e[0], off, data, h])
        except Bad as b:
            if match is None and r is not None: r["issues"].append([e[0], b.code])
            errors.append([e[0], b.code, b.message])
    return {"ok": True, "listings": listings, "stats": stats, "contents": contents, "errors": errors}
def run(op):
    try:
        kind = op["op"]
        if kind == "list": return do_list(op["dir"])
        if kind == "read": return do_read(op)
        if kind == "stat": return do_stat(op)
        if kind == "ps": return do_ps(op)
        if kind == "poll": return do_poll(op)
        return {"ok": False, "code": "USAGE", "message": "unknown op %r" % kind}
    except Bad as b:
        return {"ok": False, "code": b.code, "message": b.message}
    except OSError as e:
        return {"ok": False, "code": "ARTIFACT_NOT_FOUND", "message": "%s (%s)" % (e.strerror, errcode(e))}
sys.stdout.write(json.dumps({"v": 1, "results": [run(op) for op in req["ops"]]}))
`;
