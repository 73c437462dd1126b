package dev.apollo.e2e;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A real headless Chromium (Debian's chromium, driven through its chromium-driver by Selenium) with
 * a profile of its own, as a user's browser would be: cookies, CSP and all. No network beyond
 * loopback, no first-run or sync chatter.
 */
final class Browser implements AutoCloseable {
    private final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    static Browser open(Path profile) {
        String chromium = onPath("chromium").orElseThrow(() -> new AssertionError(
                "no chromium on PATH: install Debian's chromium and chromium-driver (apt-get install chromium"
                        + " chromium-driver; .ci/run does this)"));
        String chromedriver = onPath("chromedriver").orElseThrow(() -> new AssertionError(
                "no chromedriver on PATH: install Debian's chromium-driver (apt-get install chromium-driver)"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1360,900", "--lang=en-US");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs); // the page's console, shown when a test fails
        // An explicit driver: Selenium Manager never looks anything up on the network.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(chromedriver)).usingAnyFreePort().build();
        return new Browser(new ChromeDriver(service, options));
    }

    ChromeDriver driver() {
        return driver;
    }

    void go(String url) {
        driver.get(url);
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /**
     * Waits (generously: the CPU is shared) for an element whose text passes {@code test}; returns
     * that text. When none comes, the failure shows what the elements said and the page's console.
     */
    String awaitText(String css, Predicate<String> test) {
        try {
            return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                    .ignoreException(StaleElementReferenceException.class)
                    .until(() -> all(css).stream().map(WebElement::getText).filter(test).findFirst().orElse(null),
                            text -> text != null);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no " + css + " as expected at " + driver.getCurrentUrl() + "; they say: "
                    + all(css).stream().map(WebElement::getText).toList() + "\npage:\n" + all("#view").stream()
                    .map(WebElement::getText).findFirst().orElse("(no #view)") + "\nconsole:\n" + console(), e);
        }
    }

    /** What the page wrote to its console (errors included) since the last call. */
    String console() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::toString)
                .collect(Collectors.joining("\n"));
    }

    WebElement find(String css) {
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                .until(() -> all(css).stream().findFirst().orElse(null), element -> element != null);
    }

    Object script(String javascript) {
        return driver.executeScript(javascript);
    }

    void screenshot(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<String> onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            File candidate = new File(dir, program);
            if (candidate.canExecute()) {
                return Optional.of(candidate.getPath());
            }
        }
        File usrBin = new File("/usr/bin", program);
        return usrBin.canExecute() ? Optional.of(usrBin.getPath()) : Optional.empty();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
