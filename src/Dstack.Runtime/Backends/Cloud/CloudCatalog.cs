namespace Dstack.Runtime.Backends.Cloud;

/// <summary>
/// A cloud's offer catalog as <see cref="CloudCatalogReader"/> read it from a dated CSV file: its rows, the day its
/// facts were taken, and where they come from.
/// </summary>
/// <typeparam name="TRow">The cloud's row.</typeparam>
/// <param name="Rows">Every row, in the file's order.</param>
/// <param name="Date">The day the facts were taken (the header's <c># date:</c> line).</param>
/// <param name="Source">Where the facts come from (the header's <c># source:</c> line and the indented lines that continue it).</param>
public sealed record CloudCatalog<TRow>(IReadOnlyList<TRow> Rows, DateOnly Date, string Source)
    where TRow : CloudCatalogRow;
