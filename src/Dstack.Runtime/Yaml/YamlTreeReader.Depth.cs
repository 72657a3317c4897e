using Dstack.Runtime.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Dstack.Runtime.Yaml;

/// <summary>
/// Skipping what is nested past <see cref="MaxDepth"/>, and checking that every flow collection that
/// <see cref="DeepFlowCollections"/> blanked is one the parser reports at the depth where the search found it.
/// </summary>
public sealed partial class YamlTreeReader
{
    private readonly List<(int Open, int Close)> _deepFlowCollections;
    private readonly HashSet<int> _deepFlowOpens;
    private HashSet<int>? _foundDeepFlowCollections;
    private int _flowDepth;

    /// <summary>Where a syntax error stopped the parser; nothing after it was read.</summary>
    private int _stoppedAt = int.MaxValue;

    /// <summary>True when the parser met every blanked collection (up to a syntax error) where the search said it starts.</summary>
    private bool FoundEveryDeepFlowCollection =>
        _deepFlowCollections.All(c => c.Open >= _stoppedAt || _foundDeepFlowCollections?.Contains(c.Open) == true);

    /// <summary>Reads the text as it is, without blanking deep flow collections first (tests compare the two).</summary>
    internal static YamlNode? ReadUnblanked(string text, DiagnosticBag diagnostics) => new YamlTreeReader(text, diagnostics, []).Parse(text);

    private static bool IsFlowStart(ParsingEvent? e) => e is SequenceStart { Style: SequenceStyle.Flow } or MappingStart { Style: MappingStyle.Flow };

    private void Notice(ParsingEvent? collectionStart)
    {
        if (_deepFlowCollections.Count > 0 && _flowDepth == MaxDepth + 1 && collectionStart is not null)
        {
            var open = (int)Math.Min(collectionStart.Start.Index, int.MaxValue);
            if (_deepFlowOpens.Contains(open))
            {
                (_foundDeepFlowCollections ??= []).Add(open);
            }
        }
    }

    /// <summary>Skips the collection that starts here and everything in it, noting the flow collections met.</summary>
    private void SkipNested(IParser parser)
    {
        var flows = new Stack<bool>();
        var outerFlowDepth = _flowDepth;
        do
        {
            var current = parser.Current;
            if (current is SequenceStart or MappingStart)
            {
                var flow = IsFlowStart(current);
                flows.Push(flow);
                _flowDepth += flow ? 1 : 0;
                Notice(current);
            }
            else if (current is SequenceEnd or MappingEnd && flows.TryPop(out var wasFlow))
            {
                _flowDepth -= wasFlow ? 1 : 0;
            }

            parser.MoveNext();
        }
        while (flows.Count > 0);

        _flowDepth = outerFlowDepth;
    }
}
