"""Our version of the concurrent.futures documentation's examples: the ProcessPoolExecutor primes example (with
smaller primes, so it checks them in milliseconds) and the ThreadPoolExecutor example, without a network: a local
function stands in for urlopen, and one of the pages fails as the docs' nonexistent subdomain does."""
import concurrent.futures
import math

PRIMES = [
    1000000007,
    1000000009,
    1000000011,
    2147483647,
    2305843009,
    99999999977]

URLS = ['http://www.foxnews.com/',
        'http://www.cnn.com/',
        'http://europe.wsj.com/',
        'http://www.bbc.co.uk/',
        'http://nonexistant-subdomain.python.org/']


def is_prime(n):
    if n < 2:
        return False
    if n == 2:
        return True
    if n % 2 == 0:
        return False

    sqrt_n = int(math.floor(math.sqrt(n)))
    for i in range(3, sqrt_n + 1, 2):
        if n % i == 0:
            return False
    return True


# Retrieve a single page and report the URL and contents
def load_url(url, timeout):
    if 'nonexistant' in url:
        raise OSError(f'<urlopen error [Errno -2] Name or service not known> ({timeout}s)')
    return url.encode() * 1000


def main():
    with concurrent.futures.ProcessPoolExecutor() as executor:
        for number, prime in zip(PRIMES, executor.map(is_prime, PRIMES)):
            print('%d is prime: %s' % (number, prime))

    # We can use a with statement to ensure threads are cleaned up promptly
    with concurrent.futures.ThreadPoolExecutor(max_workers=5) as executor:
        # Start the load operations and mark each future with its URL
        future_to_url = {executor.submit(load_url, url, 60): url for url in URLS}
        for future in concurrent.futures.as_completed(future_to_url):
            url = future_to_url[future]
            try:
                data = future.result()
            except Exception as exc:
                print('%r generated an exception: %s' % (url, exc))
            else:
                print('%r page is %d bytes' % (url, len(data)))


if __name__ == '__main__':
    main()
