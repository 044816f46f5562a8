"""What runs inside scenario processes: installed before the script, it reports what the script does as events."""
