using System.Globalization;
using System.Numerics;

namespace Dstack.Runtime.Backends.Cloud;

/// <summary>
/// One row of a cloud catalog file as <see cref="CloudCatalogReader"/> hands it to a cloud's row reader: its fields by
/// column name, read as names, prices, counts and sizes, each failure a <see cref="FormatException"/> that names the
/// file and line (<c>ec2-catalog.csv:12: price must be dollars per hour, such as 1.006, not `cheap`</c>), or the line
/// alone when the text has no file (<c>line 12: ...</c>). One instance serves every line of a file, in turn.
/// </summary>
public sealed class CloudCatalogLine
{
    private readonly Dictionary<string, int> _columns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly System.Range[] _fields;
    private readonly string _header;
    private readonly string? _file;
    private string _text = string.Empty;

    internal CloudCatalogLine(string header, string? file)
    {
        _header = header;
        _file = file;
        var columns = header.Split(',');
        for (var i = 0; i < columns.Length; i++)
        {
            _columns.Add(columns[i], i);
        }

        // One more than the columns, so a row with too many fields is told from one with just enough.
        _fields = new System.Range[columns.Length + 1];
    }

    /// <summary>The line's number in the file, from 1.</summary>
    public int LineNumber { get; private set; }

    /// <summary>Where the line is: <c>FILE:LINE</c>, or <c>line LINE</c> for a text without a file.</summary>
    public string Location => Where(_file, LineNumber);

    /// <summary>The field as it is written; empty when the field is.</summary>
    public string Text(string column) => Field(column).ToString();

    /// <summary>True when the field is empty.</summary>
    public bool IsEmpty(string column) => Field(column).IsEmpty;

    /// <summary>A name without spaces or quotes (an instance type, a region, a GPU); equal names share one string.</summary>
    public string Name(string column)
    {
        var field = Field(column);
        if (field.IsEmpty || field.ContainsAny(' ', '"'))
        {
            throw Fail($"{column} must be a name without spaces or quotes");
        }

        var lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(field, out var name))
        {
            name = field.ToString();
            _names.Add(name, name);
        }

        return name;
    }

    /// <summary>A price in dollars per hour.</summary>
    public decimal Money(string column) => Parse<decimal>(column, NumberStyles.AllowDecimalPoint, "dollars per hour, such as 1.006");

    /// <summary>A whole number, 0 or more.</summary>
    public int Count(string column) => Parse<int>(column, NumberStyles.None, "a whole number");

    /// <summary>A size in GB, 0 or more.</summary>
    public double Size(string column) => Parse<double>(column, NumberStyles.AllowDecimalPoint, "a size in GB, such as 24");

    /// <summary>A number, 0 or more, with the plainest rule (<c>price must be a number, not `one`</c>).</summary>
    public T Number<T>(string column)
        where T : struct, INumber<T> => Parse<T>(column, NumberStyles.AllowDecimalPoint, "a number");

    /// <summary>The rule every cloud's row keeps: a machine has vCPUs and memory, and both its markets have a price.</summary>
    public void RequireAboveZero(int cpus, double memoryGb, decimal price, decimal spotPrice)
    {
        if (cpus <= 0 || memoryGb <= 0 || price <= 0 || spotPrice <= 0)
        {
            throw Fail("cpu, memory_gb, price and spot_price must be above 0");
        }
    }

    /// <summary>The error for this line: <paramref name="rule"/> after its location.</summary>
    public FormatException Fail(string rule) => new($"{Location}: {rule}");

    internal static string Where(string? file, int lineNumber) => file is null ? $"line {lineNumber}" : $"{file}:{lineNumber}";

    internal void Set(string text, int lineNumber)
    {
        _text = text;
        LineNumber = lineNumber;
        if (text.AsSpan().Split(_fields, ',') != _columns.Count)
        {
            throw Fail($"a row has {_columns.Count} fields ({_header})");
        }
    }

    private ReadOnlySpan<char> Field(string column) =>
        _columns.TryGetValue(column, out var index)
            ? _text.AsSpan()[_fields[index]]
            : throw new ArgumentException($"the catalog has no column {column} ({_header})", nameof(column));

    private T Parse<T>(string column, NumberStyles style, string expected)
        where T : struct, INumber<T>
    {
        var field = Field(column);
        return T.TryParse(field, style, CultureInfo.InvariantCulture, out var value) && value >= T.Zero
            ? value
            : throw Fail($"{column} must be {expected}, not `{field}`");
    }
}
