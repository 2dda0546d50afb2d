using System.CommandLine;
using MLExtensions.Components.FewShot;

namespace MLExtensions.Cli.Commands.FewShot;

/// <summary>
/// Warns about <c>fewshot train</c> options that were given on the command line but that the chosen algorithm does not
/// read (e.g. <c>--inner-lr</c> with ProtoNet), so a setting is never silently without effect.
/// </summary>
internal static class FewShotUnusedOptions
{
    /// <summary>The warnings for <paramref name="algorithm"/>: one per explicitly given option outside its algorithms.</summary>
    public static IReadOnlyList<string> Find(ParseResult parse, FewShotAlgorithm algorithm,
        IEnumerable<(Option Option, FewShotAlgorithm[] UsedBy)> scoped)
    {
        var warnings = new List<string>();
        foreach (var (option, usedBy) in scoped)
        {
            if (parse.GetResult(option) is not { Implicit: false } || usedBy.Contains(algorithm)) continue;
            var names = string.Join("/", usedBy.Select(a => a.ToString().ToLowerInvariant()));
            warnings.Add($"warning: {option.Name} has no effect with --algorithm {algorithm.ToString().ToLowerInvariant()} (it is read by {names} only)");
        }
        return warnings;
    }
}
