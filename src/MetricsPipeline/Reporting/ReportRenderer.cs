using MetricsPipeline.Reporting.Page;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace MetricsPipeline.Reporting;

/// <summary>Renders the Razor page of a report to an HTML string (static rendering: no circuit, no script).</summary>
public static class ReportRenderer
{
    public static async Task<string> RenderAsync(ReportModel model)
    {
        // The default encoder writes every Chinese character as an entity (&#x6885;): valid, but the file is three times
        // larger and unreadable in an editor or grep. Markup characters (< > & " ') are escaped all the same.
        await using var services = new ServiceCollection()
            .AddSingleton(HtmlEncoder.Create(UnicodeRanges.All))
            .BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, NullLoggerFactory.Instance);
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<ReportPage>(
                ParameterView.FromDictionary(new Dictionary<string, object?> { [nameof(ReportPage.Model)] = model }));
            return output.ToHtmlString();
        });
    }
}
