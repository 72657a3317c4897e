using System.Text.Json;

namespace Dstack.Cli.Tests.Runs;

/// <summary>
/// <c>dstack offer --json</c> and <c>dstack run --dry-run</c> come from one search, so they list the same offers in the
/// same order, for every example and for profiles that filter by backends, regions, spot policy and max price; a
/// configuration without offers is refused by the plan. (The editor's lens is compared with the same search in the
/// language server's tests.)
/// </summary>
[Collection(RunCollection.Name)]
public sealed class OfferParityTests : IDisposable
{
    private readonly DstackSandbox _sandbox = new();

    public OfferParityTests()
    {
        // The examples' required variables, so that only offers decide whether the plan can run.
        foreach (var name in new[] { "APP_TOKEN", "REGISTRY_TOKEN", "REGISTRY_PASSWORD", "HF_TOKEN", "WANDB_API_KEY" })
        {
            _sandbox.Environment[name] = "set-for-the-test";
        }
    }

    public void Dispose() => _sandbox.Dispose();

    public static TheoryData<string> Examples() => [.. Directory.GetFiles(RepositoryLayout.Examples, "*.dstack.yml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Example_OfferJsonAndDryRun_ListTheSameOffers(string example)
    {
        _sandbox.Write(example, File.ReadAllText(Path.Combine(RepositoryLayout.Root, "examples", example)));

        await AssertSameOffersAsync(["-f", example]);
    }

    [Theory]
    [InlineData("backends: [aws]", 0)]
    [InlineData("backends: [local]", 1)]
    [InlineData("regions: [local]", 1)]
    [InlineData("regions: [us-east-1]", 0)]
    [InlineData("spot_policy: spot", 0)]
    [InlineData("spot_policy: auto", 1)]
    [InlineData("max_price: 0.5", 1)]
    public async Task DefaultProfile_FiltersTheOffers_TheSameWayInBoth(string filter, int expected)
    {
        _sandbox.Write(".dstack/profiles.yml", $"profiles:\n  - name: filtered\n    default: true\n    {filter}\n");
        _sandbox.Write("task.dstack.yml", "type: task\ncommands: [echo hi]\n");

        var offers = await AssertSameOffersAsync(["-f", "task.dstack.yml"]);

        Assert.Equal(expected, offers.Count);
    }

    /// <summary>Runs both commands and checks that the plan's offers table starts with the offers of <c>dstack offer</c>.</summary>
    private async Task<IReadOnlyList<string>> AssertSameOffersAsync(string[] configuration)
    {
        var offer = await _sandbox.RunAsync(["offer", "--json", .. configuration]);
        Assert.True(offer.Code == 0, offer.ToString());
        var json = JsonDocument.Parse(offer.Output).RootElement;
        var offers = json.GetProperty("offers").EnumerateArray()
            .Select(o => $"{o.GetProperty("backend").GetString()} {o.GetProperty("instance").GetString()} ${o.GetProperty("price").GetDecimal():0.####}")
            .ToList();
        Assert.Equal(json.GetProperty("total").GetInt32(), offers.Count);

        var plan = await _sandbox.RunAsync(["run", "--dry-run", "-y", .. configuration]);
        if (offers.Count == 0)
        {
            // Why nothing is offered, in full words, as the plan says it.
            var problems = json.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("code").GetString()!).ToList();
            Assert.NotEmpty(problems);
            Assert.True(plan.Code != 0, $"dstack offer found no offer, and the plan went ahead:\n{plan}\n{offer}");
            Assert.Contains("The run was not started.", plan.Error, StringComparison.Ordinal);
            Assert.All(problems, code => Assert.Contains(code, plan.Error, StringComparison.Ordinal));
            return offers;
        }

        Assert.True(plan.Code == 0, $"dstack offer found {string.Join(", ", offers)}, and the plan was refused:\n{plan}");
        var lines = plan.Output.Split('\n');
        var header = Array.FindIndex(lines, l => l.TrimStart().StartsWith("#  BACKEND", StringComparison.Ordinal));
        Assert.True(header >= 0, plan.Output);
        var listed = lines.Skip(header + 1).TakeWhile(l => l.Trim().Length > 0 && char.IsAsciiDigit(l.Trim()[0]))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(cells => $"{cells[1]} {cells[3]} {cells[^1]}")
            .ToList();
        Assert.Equal(offers.Take(listed.Count), listed);
        Assert.Equal(Math.Min(offers.Count, 3), listed.Count);
        return offers;
    }
}
