"""Drives nets's Jupyter kernel with jupyter_client, as a notebook front end would.

Usage: python3 jupyter_check.py NETS_BINARY
Installs the kernel spec with `nets install-kernel` into a temporary JUPYTER_DATA_DIR, starts the
kernel through jupyter_client's KernelManager and checks each request of the messaging protocol;
prints one line per check and exits 1 at the first failure.
"""
import os
import sys
import tempfile
import time
import subprocess

binary = sys.argv[1]
data_dir = tempfile.mkdtemp(prefix="nets-jupyter-")
os.environ["JUPYTER_DATA_DIR"] = data_dir
subprocess.run([binary, "install-kernel"], check=True, env=os.environ)

from jupyter_client.manager import start_new_kernel  # noqa: E402


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + ("" if condition else ": " + str(detail)), flush=True)
    if not condition:
        raise SystemExit(1)


def run(kc, code, timeout=60):
    outputs = []
    reply = kc.execute_interactive(code, timeout=timeout, allow_stdin=False, output_hook=lambda m: outputs.append(m))
    return reply["content"], outputs


km, kc = start_new_kernel(kernel_name="nets", startup_timeout=120)
try:
    info = kc.kernel_info(reply=True, timeout=30)["content"]
    check("kernel_info", info["status"] == "ok" and info["implementation"] == "nets"
          and info["protocol_version"] == "5.3" and info["language_info"]["file_extension"] == ".nets", info)

    reply, outputs = run(kc, 'Print["hello"]; x = 1 + 2\nx^2')
    kinds = [m["msg_type"] for m in outputs]
    results = [m["content"] for m in outputs if m["msg_type"] == "execute_result"]
    streams = [m["content"] for m in outputs if m["msg_type"] == "stream"]
    check("execute replies ok", reply["status"] == "ok", reply)
    check("status busy, then idle", kinds[0] == "status" and kinds[-1] == "status"
          and outputs[0]["content"]["execution_state"] == "busy"
          and outputs[-1]["content"]["execution_state"] == "idle", kinds)
    check("execute_input echoes the code", any(m["msg_type"] == "execute_input" and m["content"]["code"].startswith("Print")
                                               for m in outputs), kinds)
    check("Print streams on stdout", streams and streams[0]["name"] == "stdout" and streams[0]["text"] == "hello\n", streams)
    check("a result per expression, as Out[n]", [r["data"]["text/plain"] for r in results] == ["3", "9"]
          and results[1]["execution_count"] == results[0]["execution_count"] + 1, results)
    check("execution_count is the last Out's", reply["execution_count"] == results[1]["execution_count"], reply)

    reply, outputs = run(kc, "%")
    check("% is the last result", [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"] == ["9"])

    reply, outputs = run(kc, "Range[10000]")
    text = [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"]
    check("a large result's text is elided like the REPL's", len(text) == 1 and len(text[0]) < 1000
          and text[0].startswith("{1, 2, 3, ") and "<<" in text[0] and ", 5000, " not in text[0]
          and "Large output shortened" in text[0] and "$OutputSizeLimit" in text[0], text)
    reply, outputs = run(kc, "$OutputSizeLimit = Infinity; Range[3000]")
    text = [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"]
    check("$OutputSizeLimit = Infinity shows it whole", len(text) == 1 and ", 1500, " in text[0] and "<<" not in text[0], text)
    run(kc, "$OutputSizeLimit = 4096;")

    reply, outputs = run(kc, "1/0")
    errs = [m["content"]["text"] for m in outputs if m["msg_type"] == "stream" and m["content"]["name"] == "stderr"]
    check("messages stream on stderr", any("Power::infy" in e for e in errs), outputs)

    reply, outputs = run(kc, "f[1, ")
    check("a syntax error is an error reply", reply["status"] == "error" and reply["ename"] == "Syntax", reply)

    c = kc.complete("y = NetCha", 10, reply=True, timeout=30)["content"]
    check("complete", "NetChain" in c["matches"] and c["cursor_start"] == 4 and c["cursor_end"] == 10, c)
    i = kc.inspect("Length[{1}]", 3, reply=True, timeout=30)["content"]
    check("inspect gives the usage", i["found"] and "number of elements" in i["data"]["text/plain"], i)
    kc.is_complete("f[1, 2")
    r = kc.get_shell_msg(timeout=30)["content"]
    check("is_complete: open bracket", r["status"] == "incomplete", r)
    kc.is_complete("f[1, 2]")
    r = kc.get_shell_msg(timeout=30)["content"]
    check("is_complete: complete", r["status"] == "complete", r)
    kc.comm_info()
    r = kc.get_shell_msg(timeout=30)["content"]
    check("comm_info", r["status"] == "ok" and r["comms"] == {}, r)

    reply, outputs = run(kc, 'NetChain[{LinearLayer[3], Ramp}, "Input" -> 2]')
    data = [m["content"]["data"] for m in outputs if m["msg_type"] == "execute_result"][0]
    check("a net shows as an HTML table", "<table>" in data.get("text/html", "") and "LinearLayer" in data["text/html"]
          and data["text/plain"].startswith("NetChain"), data)
    reply, outputs = run(kc, 'NetGraph[<|"a" -> LinearLayer[4], "b" -> LinearLayer[4], "sum" -> TotalLayer[]|>, '
                             '{NetPort["Input"] -> "a", NetPort["Input"] -> "b", {"a", "b"} -> "sum"}, "Input" -> 2]')
    data = [m["content"]["data"] for m in outputs if m["msg_type"] == "execute_result"][0]
    edge = '<tr><td style="text-align:left">{}</td><td style="text-align:left">{}</td></tr>'
    check("a graph's HTML lists its edges, {a, b} -> sum as two", all(edge.format(*e) in data.get("text/html", "") for e in
          [("Input", "a"), ("a", "sum (input 1)"), ("b", "sum (input 2)"), ("sum", "Output")]), data.get("text/html", "")[-1200:])
    reply, outputs = run(kc, "Image[{{0., 1.}, {1., 0.}}]")
    data = [m["content"]["data"] for m in outputs if m["msg_type"] == "execute_result"][0]
    import base64
    check("an image shows as a PNG", base64.b64decode(data.get("image/png", ""))[:8] == b"\x89PNG\r\n\x1a\n", data)
    reply, outputs = run(kc, "ListPlot[{1, 4, 9, 16}]")
    data = [m["content"]["data"] for m in outputs if m["msg_type"] == "execute_result"][0]
    check("a plot shows as PNG and SVG", base64.b64decode(data.get("image/png", ""))[:4] == b"\x89PNG"
          and "<svg" in data.get("image/svg+xml", "") and data["text/plain"] == "-Graphics-", list(data))
    m = data["image/svg+xml"] and [o["content"] for o in outputs if o["msg_type"] == "execute_result"][0]["metadata"]
    check("a plot's PNG is drawn at two pixels a point and shown at its size in points",
          m.get("image/png", {}).get("width") == 360
          and int.from_bytes(base64.b64decode(data["image/png"])[16:20], "big") == 720, m)

    def html(code):
        reply, outputs = run(kc, code)
        results = [o["content"]["data"] for o in outputs if o["msg_type"] == "execute_result"]
        return results[-1].get("text/html", "") if results else ""
    h = html('c = Classify[{1 -> "small", 2 -> "small", 8 -> "big", 9 -> "big"}, Method -> "LogisticRegression"]')
    check("a classifier shows as an HTML card", "ClassifierFunction" in h and "LogisticRegression" in h
          and "small" in h and "big" in h and "Input type" in h, h)
    h = html('ClassifierMeasurements[c, {1 -> "small", 9 -> "big", 2 -> "big"}]')
    check("classifier measurements show accuracy and the confusion matrix", "Accuracy" in h and "0.667" in h
          and "data:image/png;base64," in h, h[:300])
    h = html('Dataset[{<|"a" -> 1, "b" -> "x"|>, <|"a" -> 2, "b" -> "y"|>}]')
    check("a dataset shows as a table", "<th>a</th><th>b</th>" in h and "<td>2</td><td>y</td>" in h, h)
    h = html('<|"u" -> {1, 2}, "v" -> {3, 4}|>')
    check("an association of lists shows as a table", "<th style=\"text-align:left\">v</th><td>3</td><td>4</td>" in h, h)

    # Input[] and InputString[] ask the front end with an input_request on the stdin channel.
    msg_id = kc.execute('s = InputString["name? "]; n = Input["n? "]; {s, n + 1}', allow_stdin=True)
    prompts = []
    for answer in ("Ada", "41"):
        req = kc.get_stdin_msg(timeout=60)
        prompts.append(req["content"]["prompt"])
        kc.input(answer)
    reply = kc.get_shell_msg(timeout=60)["content"]
    results = []
    while True:
        m = kc.get_iopub_msg(timeout=30)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] == "execute_result":
            results.append(m["content"]["data"]["text/plain"])
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            break
    check("Input and InputString ask with input_request", prompts == ["name? ", "n? "] and reply["status"] == "ok"
          and results == ["{Ada, 42}"], (prompts, reply, results))
    reply, outputs = run(kc, 'InputString["x? "]')
    check("without stdin InputString gives EndOfFile", [o["content"]["data"]["text/plain"] for o in outputs
                                                         if o["msg_type"] == "execute_result"] == ["EndOfFile"], outputs)

    reply, outputs = run(kc, 'net = NetChain[{LinearLayer[8], Tanh, LinearLayer[1]}, "Input" -> 1];'
                             'data = Table[{x} -> {Sin[x]}, {x, 0., 3., 0.01}];'
                             'trained = NetTrain[net, data, MaxTrainingRounds -> 300, BatchSize -> 8]; Head[trained]', timeout=300)
    shows = [m for m in outputs if m["msg_type"] in ("display_data", "update_display_data")]
    ids = {m["content"].get("transient", {}).get("display_id") for m in shows}
    check("NetTrain progress is one display updated in place", shows and shows[0]["msg_type"] == "display_data"
          and len(ids) >= 1 and None not in ids and any(m["msg_type"] == "update_display_data" for m in shows),
          [m["msg_type"] for m in outputs])

    kc.execute("While[True, 1]")
    time.sleep(1.0)
    km.interrupt_kernel()
    r = kc.get_shell_msg(timeout=60)["content"]
    check("interrupt aborts the cell", r["status"] == "error" and r["ename"] == "Aborted", r)
    reply, outputs = run(kc, "1 + 1")
    check("the kernel goes on after an interrupt", [m["content"]["data"]["text/plain"] for m in outputs
                                                    if m["msg_type"] == "execute_result"] == ["2"], outputs)
    check("heartbeat", kc.is_alive())

    # An interrupt during NetTrain stops it after the batch: the cell ends normally with the net
    # trained so far (and a message), as Ctrl-C does in the REPL.
    msg_id = kc.execute('net = NetChain[{LinearLayer[32], Tanh, LinearLayer[1]}, "Input" -> 1];'
                        'data = Table[{x} -> {Sin[x]}, {x, 0., 3., 0.01}];'
                        'partly = NetTrain[net, data, MaxTrainingRounds -> 10^6, BatchSize -> 4]\nHead[partly]')
    seen, results, errs = [], [], []
    interrupted = False
    while True:
        m = kc.get_iopub_msg(timeout=120)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        seen.append(m["msg_type"])
        if m["msg_type"] == "display_data" and not interrupted:
            time.sleep(0.5)  # training has started: its progress display is up
            km.interrupt_kernel()
            interrupted = True
        if m["msg_type"] == "execute_result":
            results.append(m["content"]["data"]["text/plain"])
        if m["msg_type"] == "stream" and m["content"]["name"] == "stderr":
            errs.append(m["content"]["text"])
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            break
    reply = kc.get_shell_msg(timeout=60)["content"]
    check("an interrupt during NetTrain returns the partly trained net", interrupted and reply["status"] == "ok"
          and len(results) == 2 and results[0].startswith("NetChain[") and results[1] == "NetChain"
          and any("NetTrain::interrupted" in e for e in errs), (seen, reply, results, errs))
    reply, outputs = run(kc, "Length[Information[partly, \"Layers\"]]")
    check("the partly trained net is kept", [m["content"]["data"]["text/plain"] for m in outputs
                                              if m["msg_type"] == "execute_result"] == ["3"], outputs)

    # A restart starts a fresh kernel: the session's definitions are gone, the client goes on.
    run(kc, "keep = 42;")
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=120)
    reply, outputs = run(kc, "{keep, 1 + 1}")
    check("restart gives a fresh session", [m["content"]["data"]["text/plain"] for m in outputs
                                            if m["msg_type"] == "execute_result"] == ["{keep, 2}"], outputs)
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=False)
check("shutdown ends the kernel", not km.is_alive())
