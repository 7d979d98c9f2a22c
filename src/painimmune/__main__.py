from painimmune.cli import main

main(prog_name="painimmune")
