using DirectLB.EndToEnd.Tests.Support;
using DirectLB.KubeApiServer.Typed;
using Microsoft.Playwright;
using static DirectLB.EndToEnd.Tests.Support.KubeObjects;

namespace DirectLB.EndToEnd.Tests;

/// <summary>
/// The status page as a person sees it, in a real headless Chromium (Debian's, driven by Playwright), with a
/// screenshot saved for the record.
/// </summary>
[Trait("Category", "Browser")]
public class StatusPageBrowserTests : EndToEndTest
{
    private const string ChromiumPath = "/usr/bin/chromium";

    [Fact]
    public async Task The_status_page_shows_clusters_replicas_and_services_and_filters_by_namespace()
    {
        Api.Store.Create(LoadBalancerService("web"));
        Api.Store.Create(Slice("web", "web-abc", Ready("10.244.1.5"), Terminating("10.244.1.6")));
        await TargetsAre("10.244.1.5:8080");
        var address = Cloud.LoadBalancers.Single().Address;

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // No sandbox as root in CI; no background traffic, which this machine's closed network refuses.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(DirectLb.BaseAddress.ToString());

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("DirectLB");
        var cluster = page.Locator("#clusters tr", new PageLocatorOptions { HasText = "east" });
        await Assertions.Expect(cluster).ToContainTextAsync("synced");
        await Assertions.Expect(cluster).ToContainTextAsync("reachable");
        await Assertions.Expect(page.Locator("#replicas")).ToContainTextAsync("this replica");
        var web = page.Locator("#services tr", new PageLocatorOptions { HasText = "shop/web" });
        await Assertions.Expect(web).ToContainTextAsync(address);
        await Assertions.Expect(web).ToContainTextAsync("in sync");
        await Assertions.Expect(web).ToContainTextAsync("1 serving");
        await Assertions.Expect(web).ToContainTextAsync("10.244.1.5:8080");

        var screenshot = Path.Combine(AppContext.BaseDirectory, "screenshots", "status-page.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 0);

        await page.FillAsync("input[name=namespace]", "elsewhere");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("#services")).ToContainTextAsync("No Services here.");
        await Assertions.Expect(page.Locator("#services")).Not.ToContainTextAsync("shop/web");
    }
}
