using BenchmarkDotNet.Attributes;
using Dstack.Runtime.Backends.Aws;
using Dstack.Runtime.Backends.Cloud;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Offers;
using Dstack.Runtime.State;

namespace Dstack.Benchmarks;

/// <summary>
/// Planning over the whole shipped EC2 catalog (every region, every instance type, both markets of every row) for
/// GPU tasks whose requirements come from real parsed configurations, as <c>dstack run</c>'s plan and
/// <c>dstack offer</c> build them (<see cref="Requirements.Of"/>); and reading the catalog file itself.
/// Target: under 20 ms each.
/// </summary>
[MemoryDiagnoser]
public class AwsOfferBenchmarks
{
    private Requirements _a100 = new();
    private Requirements _gpu24 = new();
    private OfferCatalog _catalog = new([]);
    private string _catalogText = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _a100 = RequirementsOf("type: task\ncommands: [python train.py]\nresources:\n  gpu: A100\n");
        _gpu24 = RequirementsOf("type: task\ncommands: [python train.py]\nspot_policy: auto\nmax_price: 40\nresources:\n  gpu: 24GB..:1..\n  disk: 200GB..\n");
        _catalog = new OfferCatalog([new AwsBackend(new DstackHome(Path.GetTempPath()), new AwsSettings())]);
        if (_catalog.Find(_a100).Offers.Count == 0 || _catalog.Find(_gpu24).Offers.Count == 0)
        {
            throw new InvalidOperationException("the shipped catalog has no offer for a benchmark task");
        }

        using var stream = typeof(AwsCatalog).Assembly.GetManifestResourceStream("Dstack.Runtime.Backends.Aws.Catalog.ec2-catalog.csv")!;
        _catalogText = new StreamReader(stream).ReadToEnd();
    }

    [Benchmark(Description = "Plan: gpu: A100, whole catalog (OfferCatalog.Find + Offers)")]
    public int PlanA100() => _catalog.Find(_a100).Offers.Count;

    [Benchmark(Description = "Plan: gpu: 24GB..:1.., spot auto, whole catalog (OfferCatalog.Find + Offers)")]
    public int PlanGpu24() => _catalog.Find(_gpu24).Offers.Count;

    [Benchmark(Description = "AwsOffers.For: gpu: 24GB..:1.., whole catalog")]
    public IReadOnlyList<OfferCandidate> GpuTaskOffers() => AwsOffers.For(AwsCatalog.Shipped.Rows, _gpu24, null);

    [Benchmark(Description = "Parse the EC2 catalog")]
    public CloudCatalog<AwsCatalogRow> ParseCatalog() => AwsCatalog.Parse(_catalogText);

    /// <summary>The requirements of a configuration as the CLI builds them: its own profile parameters, its resources.</summary>
    private static Requirements RequirementsOf(string yaml)
    {
        var document = ConfigurationLoader.LoadText("bench.dstack.yml", yaml);
        if (!document.IsValid)
        {
            throw new InvalidOperationException("benchmark input is invalid:\n" + string.Join('\n', document.Diagnostics));
        }

        var configuration = document.RunConfiguration!;
        return Requirements.Of(configuration, configuration, configuration.Resources);
    }
}
