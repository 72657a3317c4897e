namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>A placement group made with CreatePlacementGroup.</summary>
/// <param name="Id">E.g. <c>pg-0123456789abcdef0</c>.</param>
/// <param name="Region">Its region.</param>
/// <param name="Name">The <c>GroupName</c>.</param>
/// <param name="Strategy"><c>cluster</c>, <c>spread</c> or <c>partition</c>.</param>
/// <param name="Tags">Its tags.</param>
public sealed record FakePlacementGroup(string Id, string Region, string Name, string Strategy, IReadOnlyDictionary<string, string> Tags);
