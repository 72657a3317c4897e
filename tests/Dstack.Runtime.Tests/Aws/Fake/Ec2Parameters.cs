using System.Globalization;
using System.Text.RegularExpressions;

namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>
/// The parameters of one EC2 Query API request, or one member of a flattened list in it. EC2 flattens lists as
/// <c>Name.1</c>, <c>Name.2</c> and structures as <c>Name.1.Member</c> (numbered from 1), so that
/// <c>Filter.1.Name=instance-type&amp;Filter.1.Value.1=g5.xlarge</c> is the first filter with its first value.
/// </summary>
public sealed class Ec2Parameters
{
    /// <summary>Wraps <paramref name="values"/> (names compared exactly, as EC2 does).</summary>
    public Ec2Parameters(IReadOnlyDictionary<string, string> values)
    {
        Values = values;
    }

    /// <summary>Every parameter by its full name.</summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    /// <summary>The parameter's value, or null when the request did not carry it.</summary>
    public string? this[string name] => Values.TryGetValue(name, out var value) ? value : null;

    /// <summary>The values of the flattened list <c>prefix.1</c>, <c>prefix.2</c>, … in the order of their numbers.</summary>
    public IReadOnlyList<string> List(string prefix)
    {
        var start = prefix + ".";
        return Values
            .Where(p => p.Key.StartsWith(start, StringComparison.Ordinal) && IsNumber(p.Key[start.Length..]))
            .OrderBy(p => int.Parse(p.Key[start.Length..], CultureInfo.InvariantCulture))
            .Select(p => p.Value)
            .ToList();
    }

    /// <summary>
    /// The members of the flattened list of structures <c>prefix.N.Member</c>, in the order of N, each with its own
    /// parameters named without <c>prefix.N.</c>.
    /// </summary>
    public IReadOnlyList<Ec2Parameters> Structures(string prefix)
    {
        var start = prefix + ".";
        var groups = new SortedDictionary<int, Dictionary<string, string>>();
        foreach (var (name, value) in Values)
        {
            if (!name.StartsWith(start, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = name[start.Length..];
            var dot = rest.IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0 || !IsNumber(rest[..dot]))
            {
                continue;
            }

            var index = int.Parse(rest[..dot], CultureInfo.InvariantCulture);
            if (!groups.TryGetValue(index, out var members))
            {
                members = new Dictionary<string, string>(StringComparer.Ordinal);
                groups.Add(index, members);
            }

            members[rest[(dot + 1)..]] = value;
        }

        return groups.Values.Select(g => new Ec2Parameters(g)).ToList();
    }

    /// <summary>The members of the structure <c>prefix.Member</c> (not a list), named without <c>prefix.</c>.</summary>
    public Ec2Parameters Structure(string prefix)
    {
        var start = prefix + ".";
        return new Ec2Parameters(Values
            .Where(p => p.Key.StartsWith(start, StringComparison.Ordinal))
            .ToDictionary(p => p.Key[start.Length..], p => p.Value, StringComparer.Ordinal));
    }

    /// <summary>
    /// The request's filters (<c>Filter.N.Name</c> with <c>Filter.N.Value.M</c>): each name with its values. A name
    /// given twice keeps both sets of values, as EC2 treats them as one filter.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Filters()
    {
        var filters = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var filter in Structures("Filter"))
        {
            var name = filter["Name"] ?? throw new FakeEc2Error("InvalidParameterValue", "A filter must have a name.");
            var values = filter.List("Value");
            filters[name] = filters.TryGetValue(name, out var before) ? [.. before, .. values] : values;
        }

        return filters;
    }

    /// <summary>The tags of <c>TagSpecification.N</c> whose <c>ResourceType</c> is <paramref name="resourceType"/>, later keys winning.</summary>
    public IReadOnlyDictionary<string, string> TagsFor(string resourceType)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var specification in Structures("TagSpecification").Where(s => s["ResourceType"] == resourceType))
        {
            foreach (var tag in specification.Structures("Tag"))
            {
                tags[tag["Key"] ?? string.Empty] = tag["Value"] ?? string.Empty;
            }
        }

        return tags;
    }

    /// <summary>
    /// Whether <paramref name="value"/> matches an EC2 filter value, where <c>*</c> matches any run of characters and
    /// <c>?</c> any one character (EC2's filter wildcards), case-sensitively.
    /// </summary>
    public static bool Glob(string pattern, string value)
    {
        if (!pattern.Contains('*', StringComparison.Ordinal) && !pattern.Contains('?', StringComparison.Ordinal))
        {
            return string.Equals(pattern, value, StringComparison.Ordinal);
        }

        var expression = "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(value, expression, RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    private static bool IsNumber(string text) => text.Length > 0 && text.All(char.IsAsciiDigit);
}
