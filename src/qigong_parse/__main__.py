"""`python -m qigong_parse`: the same as the `qigong` command."""

from .cli import main

if __name__ == "__main__":
    main()
