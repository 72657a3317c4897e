using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dstack.Cli.Rendering;
using Dstack.Cli.Runs;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Cli.Commands;

/// <summary>
/// <c>dstack offer [DIR] [-f FILE] [--json] [--max-offers N] [--group-by gpu|backend|region]</c>: what every configured
/// backend offers for a configuration (with the profile and the options applied), cheapest first, and every machine
/// left out with why. The same search as <c>dstack run</c>'s plan and the editor's offers lens.
/// </summary>
public static class OfferCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var options = new RunOptions();
        var json = new Option<bool>("--json") { Description = "Print JSON: {\"requirements\", \"offers\": [{backend, region, instance, resources, spot, price, availability}], \"left_out\": [{backend, instance, reasons}], \"total\", \"prices\": [{backend, source, description, catalog_date, fetched_at, fresh_until}]}." };
        var maxOffers = new Option<int?>("--max-offers") { Description = "List at most this many offers (default: all).", HelpName = "N" };
        var groupBy = new Option<string?>("--group-by") { Description = "Group the offers by gpu, backend or region: one row per group with its count and price range.", HelpName = "FIELD" };
        var command = new Command("offer", "List what the configured backends offer for a configuration (its resources, the profile, -b/-r/--gpu/--spot/--max-price), cheapest first, and what they left out and why.") { json, maxOffers, groupBy };
        options.AddOfferOptionsTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var problems = new List<string>();
            var overrides = options.ToOverrides(parse, [], problems);
            if (parse.GetValue(maxOffers) is < 1 and var max)
            {
                problems.Add($"--max-offers {max}: write a number of offers of 1 or more");
            }

            var group = parse.GetValue(groupBy);
            if (group is not null and not "gpu" and not "backend" and not "region")
            {
                problems.Add($"--group-by {group}: write gpu, backend or region");
            }

            foreach (var problem in problems)
            {
                await error.WriteLineAsync($"dstack: error {DiagnosticCodes.InvalidOption}: {problem}");
            }

            if (problems.Count > 0)
            {
                return DstackCommandLine.UsageError;
            }

            var cli = context();
            var target = RunTarget.Resolve(cli.WorkingDirectory, parse.GetValue(options.Folder), parse.GetValue(options.File), null);
            if (target.Problem is { } wrong)
            {
                await error.WriteLineAsync($"dstack: error {wrong.Code}: {wrong.Message}");
                return target.IsUsageError ? DstackCommandLine.UsageError : DstackCommandLine.ProblemsFound;
            }

            var request = new RunRequest(cli.WorkingDirectory, target.RepoFolder, parse.GetValue(options.File), overrides, cli.Environment, cli.Home)
            {
                InUse = () => HeldPlacements(cli.Home),
                Workflow = target.Workflow,
            };
            (request, var planned) = await OfferRefresher.RefreshAsync(request, error, cancellationToken);
            var plan = planned ?? RunPlanner.Plan(request);
            if (plan.Offers is not { } search)
            {
                // The configuration itself is wrong: nothing was asked of the backends.
                new DiagnosticRenderer(error, color: false).Render(plan.Diagnostics, plan.Document?.Text);
                return plan.Diagnostics.Any(d => d.IsError && d.Code == DiagnosticCodes.InvalidOption) ? DstackCommandLine.UsageError : DstackCommandLine.ProblemsFound;
            }

            var offers = search.Offers;
            var listed = parse.GetValue(maxOffers) is { } limit ? [.. offers.Take(limit)] : offers;
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(ToJson(search, listed).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                return DstackCommandLine.Success;
            }

            var color = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable("NO_COLOR"));
            Render(output, search, listed, group, color);
            return DstackCommandLine.Success;
        });
        return command;
    }

    private static IReadOnlyList<HeldPlacement> HeldPlacements(DstackHome home)
    {
        try
        {
            return RunMonitor.InUse(CommandSupport.OpenStore(home));
        }
        catch (StateException)
        {
            return [];
        }
    }

    /// <summary>How many lines of what was left out the listing shows (the closest first; --json has every one).</summary>
    private const int LeftOutShown = 10;

    private static void Render(TextWriter output, OfferSearch search, IReadOnlyList<Offer> listed, string? group, bool color)
    {
        if (group is not null)
        {
            var groups = listed.GroupBy(o => group switch { "gpu" => GpuOf(o.Resources), "backend" => o.Backend, _ => o.Region });
            TextTable.Write(output, [group.ToUpperInvariant(), "OFFERS", "BACKENDS", "PRICE"], [.. groups.Select(g => (IReadOnlyList<string>)[g.Key, g.Count().ToString(CultureInfo.InvariantCulture), string.Join(", ", g.Select(o => o.Backend).Distinct()), PriceRange(g)])], color);
        }
        else if (listed.Count > 0)
        {
            TextTable.Write(output, ["#", "BACKEND", "REGION", "INSTANCE", "RESOURCES", "SPOT", "PRICE"], [.. listed.Select((o, i) => (IReadOnlyList<string>)[(i + 1).ToString(CultureInfo.InvariantCulture), o.Backend, o.Region, o.Instance, o.Resources.ToString(), o.Spot ? "yes" : "no", Price(o.PricePerHour)])], color);
        }

        output.WriteLine();
        var shown = listed.Count < search.Offers.Count ? $"{listed.Count} of {search.Offers.Count} offers shown" : search.Offers.Count == 1 ? "1 offer" : $"{search.Offers.Count} offers";
        output.WriteLine(search.Offers.Count == 0 ? " No offers." : $" {shown}, cheapest first (price, then the backends' order: {string.Join(", ", search.Backends.Select(b => b.Backend))}).");
        foreach (var (backend, prices) in PricesOf(search))
        {
            output.WriteLine($" prices ({backend}): {prices.Description}");
        }

        foreach (var line in LeftOutLines.Of(search, LeftOutShown))
        {
            output.WriteLine(line);
        }

        foreach (var (_, problem) in ProblemsOf(search))
        {
            output.WriteLine($" {problem.Code}: {problem.Message}");
        }
    }

    /// <summary>The search's own problems, and when nothing is offered, every backend's errors (why it offers nothing).</summary>
    private static IEnumerable<(string? Backend, OfferProblem Problem)> ProblemsOf(OfferSearch search) =>
        search.Problems.Select(p => ((string?)null, p)).Concat(search.Offers.Count == 0
            ? search.Backends.SelectMany(b => b.Problems.Where(p => p.IsError).Select(p => ((string?)b.Backend, p)))
            : []);

    /// <summary>Where each backend that says so takes its prices from (a cloud's catalog, or its live prices).</summary>
    private static IEnumerable<(string Backend, OfferPrices Prices)> PricesOf(OfferSearch search) =>
        search.Backends.Where(b => b.Prices is not null).Select(b => (b.Backend, b.Prices!));

    private static string GpuOf(MachineResources resources) =>
        resources.Gpus.Count == 0 ? "-" : string.Join(", ", resources.Gpus.GroupBy(g => (g.Name, g.Memory)).Select(g => $"{g.Count()}x{g.Key.Name} ({g.Key.Memory})"));

    private static string PriceRange(IEnumerable<Offer> offers)
    {
        var prices = offers.Select(o => o.PricePerHour).ToList();
        return prices.Min() == prices.Max() ? Price(prices.Min()) : $"{Price(prices.Min())}..{Price(prices.Max())}";
    }

    private static string Price(decimal perHour) => $"${perHour.ToString("0.####", CultureInfo.InvariantCulture)}";

    /// <summary>The search as JSON: the requirements asked, the offers listed (cheapest first), and what was left out.</summary>
    public static JsonObject ToJson(OfferSearch search, IReadOnlyList<Offer> listed)
    {
        var requirements = search.Requirements;
        return new JsonObject
        {
            ["requirements"] = new JsonObject
            {
                ["resources"] = requirements.Resources.ToString(),
                ["spot_policy"] = requirements.SpotPolicy?.ToString().ToLowerInvariant(),
                ["max_price"] = requirements.MaxPrice,
                ["backends"] = requirements.Backends is { } backends ? new JsonArray([.. backends.Select(b => (JsonNode)b.ToString().ToLowerInvariant())]) : null,
                ["regions"] = requirements.Regions is { } regions ? new JsonArray([.. regions.Select(r => (JsonNode)r)]) : null,
                ["instance_types"] = requirements.InstanceTypes is { } types ? new JsonArray([.. types.Select(t => (JsonNode)t)]) : null,
                ["nodes"] = requirements.Nodes,
            },
            ["offers"] = new JsonArray([.. listed.Select(o => (JsonNode)ToJson(o))]),
            ["left_out"] = new JsonArray([.. search.LeftOut.Select(c => (JsonNode)new JsonObject
            {
                ["backend"] = c.Offer.Backend,
                ["region"] = c.Offer.Region,
                ["instance"] = c.Offer.Instance,
                ["reasons"] = new JsonArray([.. c.Unmet.Select(u => (JsonNode)u)]),
            })]),
            // As the text output: the search's own problems, and with no offer, each backend's reason in full words.
            ["problems"] = new JsonArray([.. ProblemsOf(search).Select(p => (JsonNode)new JsonObject { ["backend"] = p.Backend, ["code"] = p.Problem.Code, ["message"] = p.Problem.Message })]),
            ["total"] = search.Offers.Count,
            ["prices"] = new JsonArray([.. PricesOf(search).Select(p => (JsonNode)new JsonObject
            {
                ["backend"] = p.Backend,
                ["source"] = p.Prices.Source,
                ["description"] = p.Prices.Description,
                ["catalog_date"] = p.Prices.CatalogDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["fetched_at"] = p.Prices.FetchedAt?.ToString("O", CultureInfo.InvariantCulture),
                ["fresh_until"] = p.Prices.FreshUntil?.ToString("O", CultureInfo.InvariantCulture),
            })]),
        };
    }

    private static JsonObject ToJson(Offer offer) => new()
    {
        ["backend"] = offer.Backend,
        ["region"] = offer.Region,
        ["instance"] = offer.Instance,
        ["resources"] = new JsonObject
        {
            ["cpus"] = offer.Resources.Cpus,
            ["memory_gb"] = Math.Round(offer.Resources.Memory.Gigabytes, 2),
            ["disk_gb"] = Math.Round(offer.Resources.Disk.Gigabytes, 2),
            ["gpus"] = new JsonArray([.. offer.Resources.Gpus.Select(g => (JsonNode)new JsonObject { ["name"] = g.Name, ["memory_gb"] = g.Memory.Gigabytes })]),
            ["description"] = offer.Resources.ToString(),
        },
        ["spot"] = offer.Spot,
        ["price"] = offer.PricePerHour,
        ["availability"] = offer.Availability.ToString().ToLowerInvariant(),
    };
}
