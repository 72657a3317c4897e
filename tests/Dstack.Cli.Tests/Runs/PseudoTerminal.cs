using System.Text.Json;

namespace Dstack.Cli.Tests.Runs;

/// <summary>
/// Runs <c>dstack</c> on a real pseudo-terminal (Python's <c>pty</c> module), so it considers itself interactive
/// and Ctrl+C arrives as a terminal sends it: the byte <c>\x03</c>, turned into SIGINT for the foreground process
/// group by the terminal driver. The session is scripted up front; what dstack writes comes back on the driver's
/// standard output, and the driver exits with dstack's exit code (99 when a step's text did not appear in 30 s).
/// </summary>
public static class PseudoTerminal
{
    public const string CtrlC = "\x03";

    private const string Driver = """
        import json, os, pty, select, sys, time
        steps = json.loads(sys.argv[1])
        pid, fd = pty.fork()
        if pid == 0:
            try:
                os.execv(sys.argv[2], sys.argv[2:])
            finally:
                os._exit(127)
        seen = b""
        def pump(timeout):
            # Copies what the terminal shows to stdout: True when it read some, None when nothing came, False at the end.
            global seen
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                return None
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: every process that had the terminal open has closed it
                return False
            seen += data
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            return len(data) > 0
        for wait_for, send in steps:
            deadline = time.monotonic() + 30
            while wait_for.encode() not in seen:
                if time.monotonic() > deadline or pump(0.05) is False:
                    sys.stderr.write(f"pty driver: {wait_for!r} did not appear\n")
                    os.kill(pid, 9)
                    sys.exit(99)
            os.write(fd, send.encode())
        deadline = time.monotonic() + 60
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                while pump(0.2):
                    pass
                sys.exit(os.waitstatus_to_exitcode(status))
            if time.monotonic() > deadline:
                os.kill(pid, 9)
                sys.exit(98)
            pump(0.05)
        """;

    public static DstackProcess Start(DstackSandbox sandbox, IReadOnlyList<TerminalStep> steps, params string[] args)
    {
        var script = Path.Combine(sandbox.Tools, "pty_driver.py");
        File.WriteAllText(script, Driver);
        var plan = JsonSerializer.Serialize(steps.Select(s => new[] { s.WaitFor, s.Send }));
        return sandbox.StartProgram("python3", [script, plan, DstackSandbox.Apphost, .. args]);
    }
}
