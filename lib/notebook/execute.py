"""Runs one notebook top to bottom in a fresh kernel and writes the executed copy.

Called by execute.ts; not meant for users. The kernel starts in the source notebook's
folder, so relative paths (data, the models/ cache) resolve as they do in JupyterLab.

Protocol: one line per code cell on stdout (`name: cell 7/31`), and on failure one last
line `latentlab-error: {json}` with the fields kind, cell, ename, evalue; exit code 2.
The partly executed copy is written before that line, so it can be inspected.
"""

import argparse
import json
import os
import re
import sys

ERROR_PREFIX = "latentlab-error: "
# `RangeError: message`, `Error [ERR_CODE]: message`, `MyError: message`.
ERROR_LINE = r"^((?:[A-Za-z_$][\w$]*)?(?:Error|Exception))(?: \[[^\]]*\])?: (.*)$"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--kernel", default="tslab")
    parser.add_argument("--timeout", type=int, default=14400)
    args = parser.parse_args()

    try:
        import nbformat
        from jupyter_client.kernelspec import NoSuchKernel
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    except ImportError as error:
        fail("jupyter", None, "ImportError", str(error))

    class EchoingClient(NotebookClient):
        """Echoes what cells print, indented, so a long training shows its progress."""

        def process_message(self, msg, cell, cell_index):
            content = msg.get("content", {})
            if msg.get("msg_type") == "stream" and content.get("name") == "stdout":
                for line in content.get("text", "").splitlines():
                    if line.strip():
                        print(f"  {line}", flush=True)
            return super().process_message(msg, cell, cell_index)

    name = os.path.basename(args.input)
    nb = nbformat.read(args.input, as_version=4)
    client = EchoingClient(
        nb,
        kernel_name=args.kernel,
        timeout=args.timeout,
        allow_errors=False,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(args.input))}},
    )
    total = len(nb.cells)
    failure = None
    count = 0
    try:
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                print(f"{name}: cell {index + 1}/{total}", flush=True)
                count += 1
                try:
                    client.execute_cell(cell, index)
                except CellTimeoutError:
                    failure = ("timeout", index + 1, "Timeout",
                               f"the cell ran longer than {args.timeout} s "
                               "(raise it with --timeout)")
                    break
                except CellExecutionError as error:
                    failure = ("cell", index + 1, *describe_error(cell, error))
                    break
                except DeadKernelError as error:
                    failure = ("kernel-died", index + 1, "DeadKernelError", str(error))
                    break
                finally:
                    # tslab does not report execution counts; number the cells as run.
                    if cell.get("execution_count") is None:
                        cell["execution_count"] = count
    except NoSuchKernel:
        fail("no-kernel", None, "NoSuchKernel", f"no Jupyter kernel named '{args.kernel}'")
    except DeadKernelError as error:
        failure = failure or ("kernel-died", None, "DeadKernelError", str(error))
    except RuntimeError as error:
        # Raised by jupyter_client when the kernel process does not start or answer.
        failure = failure or ("kernel-start", None, type(error).__name__, str(error))

    if count > 0:
        # Marks the copy as ours: the CLI only ever overwrites files carrying this mark.
        nb.metadata.setdefault("latentlab", {})["executed"] = True
        write_atomically(nb, args.output)
    if failure:
        fail(*failure)


def describe_error(cell, error):
    """The error's name and message. tslab leaves ename empty ('<Error>') and prints the
    error to the cell's stderr instead: a JavaScript `Name: message` line followed by a
    stack, or TypeScript diagnostics as `line:col - message` lines."""
    if error.ename and error.ename != "<Error>" and error.evalue:
        return error.ename, error.evalue
    stderr = "".join(
        output.get("text", "")
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream" and output.get("name") == "stderr"
    )
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        match = re.match(ERROR_LINE, line)
        if match:
            return match.group(1), match.group(2)
    diagnostics = [line for line in lines if re.match(r"^\d+:\d+ - ", line)]
    if diagnostics:
        return "TypeScript error", "; ".join(diagnostics[:3])
    if lines:
        return "Error", lines[-1][:300]
    return "Error", "the kernel reported an error without a message"


def write_atomically(nb, output):
    import nbformat

    temporary = output + ".partial"
    nbformat.write(nb, temporary)
    os.replace(temporary, output)


def fail(kind, cell, ename, evalue):
    report = {"kind": kind, "cell": cell, "ename": ename, "evalue": evalue}
    print(ERROR_PREFIX + json.dumps(report), flush=True)
    sys.exit(2)


if __name__ == "__main__":
    main()
