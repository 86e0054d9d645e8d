from askbot.cli import main

main()
