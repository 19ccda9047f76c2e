using System.Text.Json;
using Microsoft.Playwright;

namespace MetricsPipeline.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium (installed by ops/scripts/test.sh, never a browser Playwright downloads) driven through
/// Playwright: pages are opened from files, laid out at a chosen width or for print, and asked through the
/// DevTools protocol what the browser really did (which fonts drew a node's glyphs). One browser per fixture.
/// </summary>
public sealed class HeadlessChromium : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static string Executable =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException(
            "chromium is not installed: the report tests render the page in headless Chromium. Run them through ops/scripts/test.sh, which installs it (apt-get install chromium).");

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            // As root in a container Chromium refuses its sandbox; the pages are our own files.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
    }

    /// <summary>A page at <paramref name="width"/> CSS pixels showing <paramref name="html"/> (written to a file, opened by its file URL).</summary>
    public async Task<OpenedPage> OpenAsync(string html, int width = 1400, int height = 1000)
    {
        var file = Path.Combine(Path.GetTempPath(), $"mp-report-{Guid.NewGuid():N}.html");
        await File.WriteAllTextAsync(file, html);
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, message) => { if (message.Type is "error" or "warning") console.Add($"{message.Type}: {message.Text}"); };
        page.PageError += (_, error) => console.Add("pageerror: " + error);
        await page.GotoAsync(new Uri(file).AbsoluteUri);
        return new OpenedPage(context, page, file, console);
    }
}

/// <summary>One open page; disposing closes it and deletes its file.</summary>
public sealed class OpenedPage(IBrowserContext context, IPage page, string file, List<string> console) : IAsyncDisposable
{
    public IPage Page => page;

    /// <summary>Console errors and warnings and uncaught page errors so far.</summary>
    public IReadOnlyList<string> Console => console;

    public Task<T> EvaluateAsync<T>(string script) => page.EvaluateAsync<T>(script);

    /// <summary>
    /// The fonts Chromium used to draw the text of the first element matching <paramref name="selector"/>
    /// (DevTools CSS.getPlatformFontsForNode): family names with glyph counts.
    /// </summary>
    public async Task<IReadOnlyList<(string Family, bool Custom, int Glyphs)>> PlatformFontsAsync(string selector)
    {
        var cdp = await context.NewCDPSessionAsync(page);
        await cdp.SendAsync("DOM.enable");
        await cdp.SendAsync("CSS.enable");
        var document = await cdp.SendAsync("DOM.getDocument", new Dictionary<string, object> { ["depth"] = -1 });
        var root = document!.Value.GetProperty("root").GetProperty("nodeId").GetInt32();
        var found = await cdp.SendAsync("DOM.querySelector", new Dictionary<string, object> { ["nodeId"] = root, ["selector"] = selector });
        var nodeId = found!.Value.GetProperty("nodeId").GetInt32();
        Assert.True(nodeId != 0, $"no element matches {selector}");
        var fonts = await cdp.SendAsync("CSS.getPlatformFontsForNode", new Dictionary<string, object> { ["nodeId"] = nodeId });
        return fonts!.Value.GetProperty("fonts").EnumerateArray()
            .Select(f => (f.GetProperty("familyName").GetString() ?? "", f.GetProperty("isCustomFont").GetBoolean(), f.GetProperty("glyphCount").GetInt32()))
            .ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await context.CloseAsync();
        try { File.Delete(file); } catch (IOException) { }
    }
}
