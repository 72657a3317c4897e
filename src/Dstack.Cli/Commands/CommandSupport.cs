using System.Diagnostics.CodeAnalysis;
using Dstack.Cli.Runs;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Cli.Commands;

/// <summary>What the commands that act on an existing run share: opening the store, finding the run by name.</summary>
public static class CommandSupport
{
    public static bool TryOpenStore(CliContext cli, TextWriter error, [NotNullWhen(true)] out StateStore? store)
    {
        try
        {
            store = StateStore.Open(cli.Home);
            return true;
        }
        catch (StateException e)
        {
            error.WriteLine($"dstack: error {DiagnosticCodes.StateUnavailable}: {e.Message}");
            store = null;
            return false;
        }
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
