using Dstack.Cli.Commands;
using Dstack.Runtime.State;

namespace Dstack.Cli.Rendering;

/// <summary>
/// The lines under <c>dstack ps</c>'s table that say where running services answer (a table of tasks gets none):
/// one per published service with its URL and whether requests need the token; with <c>-v</c>, its replicas
/// answering and a <c>curl</c> line that carries the token.
/// </summary>
public static class ServiceLines
{
    public static void Write(TextWriter output, StateStore store, IReadOnlyList<RunRecord> runs, bool verbose)
    {
        var services = runs
            .Select(r => (Run: r, Url: store.ListRunEndpoints(r.Id).FirstOrDefault(e => e.Kind == RunEndpointKind.Service)?.Address))
            .Where(s => s.Url is not null)
            .ToList();
        if (services.Count == 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine("Services:");
        var width = services.Max(s => s.Run.Name.Length);
        foreach (var (run, url) in services)
        {
            var spec = CommandSupport.SpecOf(run)?.Service;
            var auth = spec?.Auth ?? true;
            output.WriteLine($"  {run.Name.PadRight(width)}  {url}{(auth ? "  (needs the token: dstack service token)" : "  (open: auth: false)")}");
            if (!verbose)
            {
                continue;
            }

            var running = store.ListJobs(run.Id).Where(j => j.Status == RunStatus.Running).Select(j => j.JobNum).Distinct().Count();
            var range = spec is null ? string.Empty : spec.MinReplicas == spec.MaxReplicas ? $" of {spec.MaxReplicas}" : $" (replicas {spec.MinReplicas}..{spec.MaxReplicas})";
            output.WriteLine($"  {new string(' ', width)}  replicas running: {running}{range}");
            output.WriteLine(auth
                ? $"  {new string(' ', width)}  curl -H \"Authorization: Bearer $(dstack service token)\" {url}"
                : $"  {new string(' ', width)}  curl {url}");
        }
    }
}
