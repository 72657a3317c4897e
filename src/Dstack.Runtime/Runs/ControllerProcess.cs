using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>
/// A controller process started ahead of time: it starts (and loads what it needs) while the front end still plans and
/// asks for confirmation, then receives its run through its standard input, the one private channel between the
/// two, which also carries the environment values so they never touch the state store. Closing without a run
/// (the plan failed, the user said no) makes it exit. It runs in its own session with no terminal, so it outlives
/// the front end.
/// </summary>
public sealed class ControllerProcess : IDisposable
{
    private readonly Process _process;
    private bool _handedOver;

    private ControllerProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    /// <summary>Starts <c>dstack controller</c>; throws <see cref="Processes.JobStartException"/> when it cannot.</summary>
    public static ControllerProcess Start(ControllerCommand controller, DstackHome home)
    {
        // Say what is missing now, not "the controller ended" later.
        if (Path.IsPathRooted(controller.Program) && !File.Exists(controller.Program))
        {
            throw new Processes.JobStartException($"the controller could not be started: {controller.Program} does not exist (a native dstack needs the dstack-controller its publish puts beside it: docs/native.md)");
        }

        // Started directly: its first step (OwnSession.Enter) puts it in a session of its own, with no terminal and its
        // output on /dev/null; it writes its own log once it knows its run. (No `sh -c 'exec setsid …'`: two programs
        // less on every run's way.)
        var start = new ProcessStartInfo(controller.Program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        foreach (var argument in controller.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("controller");
        start.Environment["DSTACK_HOME"] = home.Root;
        // A run started from inside a job (a task that submits runs, a terminal of a dev environment) is no part of
        // that job: its controller must not carry the job's token, or the job's end or stop would kill it.
        start.Environment.Remove(Processes.JobProcess.TokenVariable);
        try
        {
            return new ControllerProcess(Process.Start(start) ?? throw new Win32Exception("no process"));
        }
        catch (Win32Exception e)
        {
            throw new Processes.JobStartException($"the controller could not be started ({controller.Program}: {e.Message})", e);
        }
    }

    /// <summary>Hands the submitted run (and its secret values) to the controller.</summary>
    public void Launch(RunRecord run, RunSpec spec)
    {
        var message = JsonSerializer.Serialize(new ControllerStartMessage(run.Id, ControllerSecrets.Of(spec).ToJson()), RunJsonContext.Default.ControllerStartMessage);
        try
        {
            _process.StandardInput.WriteLine(message);
            _process.StandardInput.Close();
            _handedOver = true;
        }
        catch (IOException e)
        {
            throw new Processes.JobStartException($"the controller ended before it got its run ({e.Message}); see {run.Name}'s controller.log", e);
        }
    }

    /// <summary>Reads the message <see cref="Launch"/> wrote; null when the front end closed without a run.</summary>
    public static ControllerStartMessage? ReadStartMessage(TextReader input)
    {
        var line = input.ReadLine();
        return string.IsNullOrWhiteSpace(line) ? null : JsonSerializer.Deserialize(line, RunJsonContext.Default.ControllerStartMessage);
    }

    /// <summary>
    /// Runs what the controller will run once its run arrives (JSON, the state store's queries, the environment), so
    /// that work is compiled while the front end is still planning.
    /// </summary>
    public static void WarmUp(StateStore store)
    {
        var spec = new RunSpec { RunName = "warm-up", Type = "task", ConfigurationPath = "/", RepoRoot = "/", Script = "true", RetryOn = [Configuration.Model.RetryEvent.Error], Env = [new EnvEntry("A", "B")], Placements = [Backends.BackendRegistry.DefaultPlacement] };
        var stored = RunSpec.FromJson(spec.WithoutSecrets().ToJson());
        ControllerSecrets.FromJson(ControllerSecrets.Of(spec).ToJson()).Apply(stored);
        JobEnvironment.Build(stored, 0, JobTopology.Of(stored.Placements, ["127.0.0.1"]), new Dictionary<string, string>(), null);
        RunController.OfferJson(stored.Placements[0]);
        JobScript.Build(["true"], []);
        store.FindRun(-1);
    }

    /// <summary>Without a run handed over, closing the controller's input makes it exit.</summary>
    public void Dispose()
    {
        if (!_handedOver)
        {
            try
            {
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
            }
        }

        _process.Dispose();
    }
}

/// <summary>What the front end tells a controller: the run's id in the state store and its environment values.</summary>
public sealed record ControllerStartMessage(long RunId, string Secrets);
