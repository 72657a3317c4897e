namespace Dstack.Cli.Runs;

/// <summary>
/// Splits <c>dstack run</c>'s command line into dstack's own options and the run arguments for
/// <c>${{ run.args }}</c>, as dstack's two-pass parse does (reference §8), minus its surprises: options are matched
/// exactly (no prefix abbreviation, so <c>--max 5</c> stays a run argument) wherever they are, also glued to their
/// value (<c>-eA=1</c>, <c>--env=A=1</c>); the first bare word before any run argument is the folder; every other
/// word, every unknown option, and everything after <c>--</c> belongs to the run, each argument kept whole.
/// </summary>
public static class RunArgumentSplitter
{
    public static (IReadOnlyList<string> Own, IReadOnlyList<string> RunArgs) Split(IReadOnlyList<string> args, IReadOnlySet<string> valueOptions, IReadOnlySet<string> flagOptions)
    {
        var own = new List<string>();
        var rest = new List<string>();
        var folderSeen = false;
        var leftoverStarted = false;
        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            if (token == "--")
            {
                rest.AddRange(args.Skip(i + 1));
                break;
            }

            var name = token.StartsWith("--", StringComparison.Ordinal) && token.Contains('=', StringComparison.Ordinal) ? token[..token.IndexOf('=', StringComparison.Ordinal)]
                : token.Length > 2 && token[0] == '-' && token[1] != '-' && valueOptions.Contains(token[..2]) ? token[..2]
                : token;
            if (flagOptions.Contains(name) && name == token)
            {
                own.Add(token);
            }
            else if (valueOptions.Contains(name))
            {
                own.Add(token);
                if (name == token && i + 1 < args.Count)
                {
                    own.Add(args[++i]);
                }
            }
            else if (!leftoverStarted && !folderSeen && !token.StartsWith('-'))
            {
                own.Add(token);
                folderSeen = true;
            }
            else
            {
                leftoverStarted = true;
                rest.Add(token);
            }
        }

        return (own, rest);
    }
}
