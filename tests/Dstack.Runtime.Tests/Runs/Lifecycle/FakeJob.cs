using System.IO.Pipes;
using System.Text;
using Dstack.Runtime.Processes;

namespace Dstack.Runtime.Tests.Runs.Lifecycle;

/// <summary>
/// A job that runs nowhere: its output goes through real pipes the run's log pumps read, and it ends when the test
/// says so, or on a signal (SIGTERM unless it ignores it; SIGKILL always), as a process group would.
/// </summary>
internal sealed class FakeJob : IJobProcess
{
    private readonly AnonymousPipeServerStream _stdout = new(PipeDirection.In);
    private readonly AnonymousPipeServerStream _stderr = new(PipeDirection.In);
    private readonly AnonymousPipeClientStream _stdoutWriter;
    private readonly AnonymousPipeClientStream _stderrWriter;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();

    public FakeJob(int rank, IReadOnlyDictionary<string, string> environment, bool ignoresTerminate)
    {
        Rank = rank;
        Environment = environment;
        IgnoresTerminate = ignoresTerminate;
        _stdoutWriter = new AnonymousPipeClientStream(PipeDirection.Out, _stdout.ClientSafePipeHandle);
        _stderrWriter = new AnonymousPipeClientStream(PipeDirection.Out, _stderr.ClientSafePipeHandle);
    }

    public int Rank { get; }

    public IReadOnlyDictionary<string, string> Environment { get; }

    public bool IgnoresTerminate { get; }

    /// <summary>Every signal sent to the job's group, in order.</summary>
    public List<int> Signals { get; } = [];

    /// <summary>Above any pid_max (4194304 at most): should a fake id ever reach a real kill(), it finds no process.</summary>
    public int Pid => (1 << 30) + Rank;

    public Stream Stdout => _stdout;

    public Stream Stderr => _stderr;

    public Task<int> Exited => _exited.Task;

    public string? LostReason { get; private set; }

    public bool IsGroupAlive => !_exited.Task.IsCompleted;

    public void Say(string line)
    {
        lock (_gate)
        {
            if (!_exited.Task.IsCompleted)
            {
                _stdoutWriter.Write(Encoding.UTF8.GetBytes(line + "\n"));
                _stdoutWriter.Flush();
            }
        }
    }

    public void Exit(int code)
    {
        lock (_gate)
        {
            if (_exited.Task.IsCompleted)
            {
                return;
            }

            _stdoutWriter.Dispose();
            _stderrWriter.Dispose();
            _exited.TrySetResult(code);
        }
    }

    /// <summary>The machine stops answering: the job is lost, as a remote job whose host stays unreachable is.</summary>
    public void Lose(string reason)
    {
        LostReason = reason;
        Exit(255);
    }

    public bool SignalGroup(int signal)
    {
        lock (_gate)
        {
            Signals.Add(signal);
        }

        if (signal == Dstack.Runtime.Processes.Signals.Kill || (signal == Dstack.Runtime.Processes.Signals.Terminate && !IgnoresTerminate))
        {
            Exit(128 + signal);
        }

        return !_exited.Task.IsCompleted;
    }

    public void Dispose()
    {
        Exit(137);
        _stdout.Dispose();
        _stderr.Dispose();
    }
}
