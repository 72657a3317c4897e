using System.Diagnostics.CodeAnalysis;
using Dstack.Cli.Runs;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Cli.Commands;

/// <summary>What the commands that act on an existing run share: opening the store, finding the run by name.</summary>
public static class CommandSupport
{
    /// <summary>Opens the store (<see cref="OpenStore"/>); prints why and returns false when it cannot be opened.</summary>
    public static bool TryOpenStore(CliContext cli, TextWriter error, [NotNullWhen(true)] out StateStore? store)
    {
        try
        {
            store = OpenStore(cli.Home);
            return true;
        }
        catch (StateException e)
        {
            error.WriteLine($"dstack: error {DiagnosticCodes.StateUnavailable}: {e.Message}");
            store = null;
            return false;
        }
    }

    /// <summary>
    /// Opens the state store of <paramref name="home"/> for a command about runs, and first terminates the instances
    /// that runs which have ended left behind (<see cref="RunMonitor.ReconcileInstances"/>): the one place every such
    /// command (run, offer, ps, logs, stop, attach, instance) goes through, so a crashed controller's machine is released
    /// by whatever command comes next. That never fails the command: an instance that cannot be terminated now stays
    /// terminating for the next, and a store that cannot be written to is reported by the command's own use of it.
    /// </summary>
    /// <exception cref="StateException">The store cannot be opened.</exception>
    public static StateStore OpenStore(DstackHome home)
    {
        var store = StateStore.Open(home);
        try
        {
            RunMonitor.ReconcileInstances(store);
        }
        catch (StateException)
        {
            // Busy or read-only: the next command tries again.
        }

        return store;
    }

    public static bool TryFindRun(StateStore store, string name, TextWriter error, [NotNullWhen(true)] out RunRecord? run)
    {
        run = store.FindRun(name);
        if (run is not null)
        {
            run = RunMonitor.Reconcile(store, run);
            return true;
        }

        var names = store.ListRuns(all: true).Select(r => r.Name).ToList();
        var hint = DidYouMean.Find(name, names) is { } best ? $"; did you mean {best}?" : names.Count == 0 ? "; there are no runs yet" : "; dstack ps -a lists the runs";
        error.WriteLine($"dstack: error {DiagnosticCodes.RunNotFound}: no run named {name}{hint}");
        return false;
    }

    public static RunSpec? SpecOf(RunRecord run)
    {
        try
        {
            return RunSpec.FromJson(run.Spec);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
