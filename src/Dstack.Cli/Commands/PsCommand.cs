using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dstack.Cli.Rendering;
using Dstack.Cli.Runs;
using Dstack.Runtime.Backends;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Cli.Commands;

/// <summary><c>dstack ps [-a] [--json]</c>: the runs in the state store, newest first.</summary>
public static class PsCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var all = new Option<bool>("--all", "-a") { Description = "Also show finished runs (by default only active ones)." };
        var json = new Option<bool>("--json") { Description = "Print JSON: {\"runs\": [{name, status, reason, exit_code, workflow, tags, configuration, repo, submitted_at, finished_at, attempt, service_url, ide_url, ssh_host, jobs: [...]}]}." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Also say, under the table, how to call each running service: its replicas, and the token its requests need." };
        var command = new Command("ps", "List runs: name, configuration, status, when submitted, and how they ended; running services' URLs under the table.") { all, json, verbose };
        command.SetAction(parse =>
        {
            var cli = context();
            if (!CommandSupport.TryOpenStore(cli, error, out var store))
            {
                return DstackCommandLine.ProblemsFound;
            }

            var runs = store.ListRuns(all: true).Select(r => RunMonitor.Reconcile(store, r)).Where(r => parse.GetValue(all) || !r.Status.IsFinished()).ToList();
            if (parse.GetValue(json))
            {
                output.WriteLine(ToJson(store, runs).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                return DstackCommandLine.Success;
            }

            if (runs.Count == 0)
            {
                output.WriteLine(parse.GetValue(all) ? "No runs." : "No active runs (dstack ps -a shows finished ones too).");
                return DstackCommandLine.Success;
            }

            var now = DateTimeOffset.UtcNow;
            var tags = TagsByRun(store);
            // Pipelines' columns only when they say something: a table of tasks stays as it was.
            var workflows = runs.Any(r => WorkflowOf(r) is not null);
            var tagged = runs.Any(r => tags.ContainsKey(r.Id));
            TextTable.Write(
                output,
                ["RUN", .. Column(workflows, "WORKFLOW"), "CONFIGURATION", "BACKEND", "REGION", "STATUS", .. Column(tagged, "TAG"), "SUBMITTED", "EXIT", "REASON"],
                runs.Select(r => (IReadOnlyList<string>)[
                    r.Name,
                    .. Column(workflows, WorkflowOf(r) ?? "-"),
                    Path.GetRelativePath(cli.WorkingDirectory, r.ConfigurationPath) is var relative && !relative.StartsWith("..", StringComparison.Ordinal) ? relative : r.ConfigurationPath,
                    BackendOf(r),
                    RegionOf(r),
                    r.Status.ToText(),
                    .. Column(tagged, tags.TryGetValue(r.Id, out var names) ? string.Join(", ", names) : string.Empty),
                    Ago(now - r.SubmittedAt),
                    r.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
                    TerminationReason.Describe(r.Reason, r.ExitCode),
                ]),
                !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out) && string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable("NO_COLOR")));
            ServiceLines.Write(output, store, runs, parse.GetValue(verbose));
            return DstackCommandLine.Success;
        });
        return command;
    }

    private static string[] Column(bool shown, string cell) => shown ? [cell] : [];

    /// <summary>The pipelines workflow the run ran; null for tasks, services and dev environments.</summary>
    private static string? WorkflowOf(RunRecord run) => CommandSupport.SpecOf(run)?.Workflow;

    /// <summary>Each tagged run's tags, by name.</summary>
    private static Dictionary<long, List<string>> TagsByRun(StateStore store) =>
        store.ListTags().GroupBy(t => t.RunId).ToDictionary(g => g.Key, g => g.Select(t => t.Name).ToList());

    /// <summary>The backend, with the machines when they are more than the backend's one: <c>local</c>, <c>ssh (gpu1, gpu2)</c>.</summary>
    private static string BackendOf(RunRecord run)
    {
        var placements = PlacementsOf(run);
        if (placements.Count == 0)
        {
            return BackendRegistry.DefaultPlacement.Backend;
        }

        var machines = MachinesOf(placements);
        return machines.Count > 0 ? $"{placements[0].Backend} ({string.Join(", ", machines)})" : placements[0].Backend;
    }

    private static string RegionOf(RunRecord run) => PlacementsOf(run) is { Count: > 0 } placements ? string.Join(", ", placements.Select(p => p.Region).Distinct()) : BackendRegistry.DefaultPlacement.Region;

    /// <summary>The machines (instance types, pool hosts) of the jobs, by rank, unless the backend has one machine (this one).</summary>
    private static IReadOnlyList<string> MachinesOf(IReadOnlyList<Offer> placements) =>
        placements.All(p => p.Instance == p.Backend) ? [] : [.. placements.Select(p => p.Instance).Distinct()];

    private static IReadOnlyList<Offer> PlacementsOf(RunRecord run)
    {
        try
        {
            return RunSpec.FromJson(run.Spec).Placements;
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static JsonObject ToJson(StateStore store, IReadOnlyList<RunRecord> runs)
    {
        var array = new JsonArray();
        var tags = TagsByRun(store);
        foreach (var run in runs)
        {
            var endpoints = store.ListRunEndpoints(run.Id);
            var jobs = new JsonArray();
            foreach (var job in store.ListJobs(run.Id))
            {
                jobs.Add((JsonNode)new JsonObject
                {
                    ["job_num"] = job.JobNum,
                    ["attempt"] = job.Attempt,
                    ["status"] = job.Status.ToText(),
                    ["pid"] = job.Pid,
                    ["exit_code"] = job.ExitCode,
                });
            }

            array.Add((JsonNode)new JsonObject
            {
                ["name"] = run.Name,
                ["status"] = run.Status.ToText(),
                ["reason"] = run.Reason,
                ["exit_code"] = run.ExitCode,
                ["workflow"] = WorkflowOf(run),
                ["tags"] = new JsonArray([.. (tags.GetValueOrDefault(run.Id) ?? []).Select(t => (JsonNode)t)]),
                ["backend"] = BackendOf(run),
                ["region"] = RegionOf(run),
                ["hosts"] = MachinesOf(PlacementsOf(run)) is { Count: > 0 } hosts ? new JsonArray([.. hosts.Select(h => (JsonNode)h)]) : null,
                ["configuration"] = run.ConfigurationPath,
                ["repo"] = run.RepoRoot,
                ["submitted_at"] = run.SubmittedAt.ToString("O"),
                ["finished_at"] = run.FinishedAt?.ToString("O"),
                ["attempt"] = run.Attempt,
                // Where the running run is reached (null until it is ready and after it ends).
                ["service_url"] = EndpointOf(endpoints, RunEndpointKind.Service),
                ["ide_url"] = EndpointOf(endpoints, RunEndpointKind.Ide),
                ["ssh_host"] = EndpointOf(endpoints, RunEndpointKind.Ssh),
                ["jobs"] = jobs,
                // The typed progress events (provisioning, uploading, uploaded with its seconds, running), oldest first.
                ["events"] = new JsonArray([.. store.ListRunEvents(run.Id).Select(e =>
                {
                    var item = RunProgressJson.ToJson(e.Progress);
                    item["at"] = e.At.ToString("O");
                    return (JsonNode)item;
                })]),
            });
        }

        return new JsonObject { ["runs"] = array };
    }

    private static string? EndpointOf(IReadOnlyList<RunEndpoint> endpoints, string kind) => endpoints.FirstOrDefault(e => e.Kind == kind)?.Address;

    /// <summary>How long ago, in the tables' words: <c>N sec ago</c>, <c>min</c>, <c>hours</c>, <c>days</c>.</summary>
    internal static string Ago(TimeSpan age) => age.TotalSeconds switch
    {
        < 60 => $"{Math.Max(0, (int)age.TotalSeconds)} sec ago",
        < 3600 => $"{(int)age.TotalMinutes} min ago",
        < 86400 => $"{(int)age.TotalHours} hours ago",
        _ => $"{(int)age.TotalDays} days ago",
    };
}
