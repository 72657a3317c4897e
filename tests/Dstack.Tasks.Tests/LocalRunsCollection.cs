namespace Dstack.Tasks.Tests;

/// <summary>
/// The tests that start real runs with the CLI. They share one <see cref="IsolatedDstackHome"/>, which sets
/// DSTACK_HOME for the whole test process, so they run one at a time and after every other test (no parallel test
/// may see, or lose, the variable).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LocalRunsCollection : ICollectionFixture<IsolatedDstackHome>
{
    public const string Name = "local runs";
}
