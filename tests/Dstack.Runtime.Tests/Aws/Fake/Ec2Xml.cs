using System.Xml.Linq;

namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>
/// Builds EC2's XML answers. Every answer is <c>&lt;ActionResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"&gt;</c>
/// with a <c>requestId</c> first; lists are elements named <c>…Set</c> or <c>…Info</c> holding <c>item</c> elements (EC2
/// API reference, "Query API response structure", and the response examples of each action).
/// </summary>
internal static class Ec2Xml
{
    public static readonly XNamespace Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/";

    /// <summary>An element in EC2's namespace; null content is left out, values are written as XML Schema writes them.</summary>
    public static XElement E(string name, params object?[] content) => new(Namespace + name, content.Where(c => c is not null).ToArray());

    /// <summary>The element, or null (left out) when <paramref name="value"/> is null.</summary>
    public static XElement? Optional(string name, object? value) => value is null ? null : E(name, value);

    /// <summary>A list: <c>&lt;name&gt;&lt;item&gt;…&lt;/item&gt;…&lt;/name&gt;</c>, each item holding one entry's content.</summary>
    public static XElement Set(string name, IEnumerable<object?[]> items) => E(name, items.Select(i => E("item", i)).ToArray<object?>());

    /// <summary>A list of plain values: <c>&lt;name&gt;&lt;item&gt;value&lt;/item&gt;…&lt;/name&gt;</c>.</summary>
    public static XElement Values(string name, IEnumerable<string> values) => E(name, values.Select(v => E("item", v)).ToArray<object?>());

    /// <summary><c>&lt;tagSet&gt;&lt;item&gt;&lt;key/&gt;&lt;value/&gt;&lt;/item&gt;…&lt;/tagSet&gt;</c> (API reference, <c>Tag</c>).</summary>
    public static XElement TagSet(IReadOnlyDictionary<string, string> tags) =>
        Set("tagSet", tags.Select(t => new object?[] { E("key", t.Key), E("value", t.Value) }));

    /// <summary>The whole answer to <paramref name="action"/>: its response element with <c>requestId</c> and <paramref name="content"/>.</summary>
    public static XDocument Response(string action, string requestId, IEnumerable<object?> content) =>
        new(new XDeclaration("1.0", "UTF-8", null), E(action + "Response", [E("requestId", requestId), .. content]));

    /// <summary>
    /// An error answer, which is not in EC2's namespace (API reference, "Error codes for the Amazon EC2 API", error
    /// response example): <c>&lt;Response&gt;&lt;Errors&gt;&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;&lt;/Errors&gt;&lt;RequestID/&gt;&lt;/Response&gt;</c>.
    /// </summary>
    public static XDocument Error(string code, string message, string requestId) =>
        new(new XDeclaration("1.0", "UTF-8", null), new XElement("Response",
            new XElement("Errors", new XElement("Error", new XElement("Code", code), new XElement("Message", message))),
            new XElement("RequestID", requestId)));
}
