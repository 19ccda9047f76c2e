using System.Reflection;
using System.Text.RegularExpressions;
using MetricsPipeline.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace MetricsPipeline.Tests.Unit.Observability;

/// <summary>
/// The product's log event ids: each in 71000-74999 (a range no dependency logs in: Quartz and Npgsql use
/// 1000-9999, ASP.NET Core and Polly lower ones), each used once, each listed in README's log-ids table.
/// </summary>
public sealed class LogEventIdTests
{
    public const int First = 71000;
    public const int Last = 74999;

    private static readonly Assembly[] Product = [typeof(MetricsPipeline.Pipeline.SourceRunner).Assembly, typeof(MetricsPipeline.Worker.Hosting.WorkerHost).Assembly];

    private static IReadOnlyList<(string Method, int EventId)> Events() => Product
        .SelectMany(a => a.GetTypes())
        .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
        .Select(m => (Method: $"{m.DeclaringType!.FullName}.{m.Name}", Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
        .Where(x => x.Attribute is not null)
        .Select(x => (x.Method, x.Attribute!.EventId))
        .ToList();

    [Fact]
    public void EveryProductEvent_HasAnIdOfItsOwnInTheProductRange()
    {
        var events = Events();
        Assert.True(events.Count >= 20, $"only {events.Count} log events found");
        Assert.All(events, e => Assert.InRange(e.EventId, First, Last));
        var shared = events.GroupBy(e => e.EventId).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Method))}");
        Assert.Empty(shared);
    }

    [Fact]
    public void EveryProductEvent_IsListedInTheReadme()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var listed = Regex.Matches(readme, @"(?m)^\| `(7\d{4})` \|").Select(m => int.Parse(m.Groups[1].Value)).ToHashSet();
        var missing = Events().Where(e => !listed.Contains(e.EventId)).Select(e => $"{e.EventId} ({e.Method})").ToList();
        Assert.Empty(missing);
        var stale = listed.Except(Events().Select(e => e.EventId)).ToList();
        Assert.Empty(stale);
    }
}
