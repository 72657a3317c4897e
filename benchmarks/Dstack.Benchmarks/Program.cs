using BenchmarkDotNet.Running;

namespace Dstack.Benchmarks;

public static class Program
{
    /// <summary>
    /// BenchmarkDotNet suites by default; <c>forwarder</c> runs the port forwarder's own measurement loop, which
    /// needs every sample for its percentiles; <c>cache</c> times a workflow cache against cp and rsync; <c>service</c> measures
    /// a service's endpoint against its replica reached directly (<c>service-endpoint</c> hosts one for it in a process
    /// of its own).
    /// </summary>
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "forwarder")
        {
            return await ForwarderBenchmarks.RunAsync(args[1..]);
        }

        if (args.Length > 0 && args[0] == "service")
        {
            return await ServiceEndpointTimings.RunAsync(args[1..]);
        }

        if (args.Length > 0 && args[0] == "service-endpoint")
        {
            return await ServiceEndpointTimings.HostAsync(args[1..]);
        }

        if (args.Length > 0 && args[0] == "cache")
        {
            return WorkflowCacheTimings.Run(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
