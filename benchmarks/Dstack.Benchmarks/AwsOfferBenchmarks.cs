using BenchmarkDotNet.Attributes;
using Dstack.Runtime.Backends.Aws;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Offers;

namespace Dstack.Benchmarks;

/// <summary>
/// The AWS backend's offers for a GPU task over the whole shipped EC2 catalog (both markets of every row), and
/// reading the catalog file itself. Target: under 20 ms each.
/// </summary>
[MemoryDiagnoser]
public class AwsOfferBenchmarks
{
    private Requirements _gpuTask = new();
    private string _catalogText = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        var document = ConfigurationLoader.LoadText("bench.dstack.yml", "type: task\ncommands: [python train.py]\nresources:\n  gpu: 24GB..:1..\n  disk: 200GB..\n");
        if (!document.IsValid)
        {
            throw new InvalidOperationException("benchmark input is invalid:\n" + string.Join('\n', document.Diagnostics));
        }

        _gpuTask = new Requirements { Resources = document.RunConfiguration!.Resources, SpotPolicy = SpotPolicy.Auto, MaxPrice = 40 };
        using var stream = typeof(AwsCatalog).Assembly.GetManifestResourceStream("Dstack.Runtime.Backends.Aws.Catalog.ec2-catalog.csv")!;
        _catalogText = new StreamReader(stream).ReadToEnd();
    }

    [Benchmark(Description = "AWS offers for a GPU task, whole catalog")]
    public IReadOnlyList<OfferCandidate> GpuTaskOffers() => AwsOffers.For(AwsCatalog.Shipped.Rows, _gpuTask, null);

    [Benchmark(Description = "Parse the EC2 catalog")]
    public AwsCatalog ParseCatalog() => AwsCatalog.Parse(_catalogText);
}
