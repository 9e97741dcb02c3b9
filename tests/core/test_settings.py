from config.settings import _database


def test_sqlite_url_creates_the_missing_folder(tmp_path):
    target = tmp_path / "fresh" / "var" / "db.sqlite3"
    config = _database(f"sqlite:///{target}")
    assert config["NAME"] == str(target)
    assert target.parent.is_dir()


def test_postgres_url_is_parsed():
    config = _database("postgres://postgres:s%40cret@127.0.0.1:5432/peili")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"], config["HOST"], config["PORT"]) == (
        "peili",
        "postgres",
        "s@cret",
        "127.0.0.1",
        "5432",
    )
